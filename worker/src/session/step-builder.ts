/**
 * Folds the StreamEvents of one model call into the assistant message they make up: content
 * parts in the order the model produced them (thinking with its signature, redacted thinking,
 * text, refusals, tool calls with their arguments as written), usage summed over every attempt
 * the provider was asked, the stop reason and what the user should know about it, and the error
 * that ended it if one did. Pure: used live by the agent loop and again to rebuild a partial
 * message from the event log after an interrupted turn.
 */
import type { ContentPart, ErrorCode, StopReason, StreamEvent, TokenUsage } from "@maestro/protocol";

export interface BuiltStep {
  readonly content: ContentPart[];
  /** Every attempt's usage added up: a retried call still cost what the failed attempts reported. */
  readonly usage: TokenUsage | null;
  readonly stopReason: StopReason | null;
  /** The provider's ending, said for the user (an output limit reached inside a tool call). */
  readonly stopDetail: string | null;
  readonly error: { readonly code: ErrorCode; readonly message: string } | null;
  /** Whether anything a client would show (text, thinking, a refusal, a tool call) arrived. */
  readonly hasOutput: boolean;
}

type ToolCallPart = Extract<ContentPart, { type: "tool_call" }>;

const ZERO: TokenUsage = { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 };

function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_read_tokens: a.cache_read_tokens + b.cache_read_tokens,
    cache_write_tokens: a.cache_write_tokens + b.cache_write_tokens,
  };
}

export class StepBuilder {
  readonly #content: ContentPart[] = [];
  #usage: TokenUsage | null = null;
  #earlierAttempts: TokenUsage | null = null;
  #stop: StopReason | null = null;
  #stopDetail: string | null = null;
  #error: BuiltStep["error"] = null;
  readonly #openCalls = new Map<string, { name: string; json: string }>();

  /** The provider is asked again (a retry): what the last attempt reported stays counted. */
  startAttempt(): void {
    if (this.#usage !== null) this.#earlierAttempts = addUsage(this.#earlierAttempts ?? ZERO, this.#usage);
    this.#usage = null;
  }

  add(event: StreamEvent): void {
    switch (event.type) {
      case "text_delta":
        this.#appendText(event.text, event.signature);
        break;
      case "thinking_delta":
        this.#appendThinking(event);
        break;
      case "redacted_thinking":
        this.#content.push({ type: "redacted_thinking", data: event.data });
        break;
      case "refusal_delta": {
        const index = this.#content.length - 1;
        const last = this.#content[index];
        if (last?.type === "refusal") this.#content[index] = { type: "refusal", text: last.text + event.text };
        else this.#content.push({ type: "refusal", text: event.text });
        break;
      }
      case "tool_call":
        this.#addToolCall(event);
        break;
      case "usage":
        this.#usage = {
          input_tokens: event.input_tokens,
          output_tokens: event.output_tokens,
          cache_read_tokens: event.cache_read_tokens,
          cache_write_tokens: event.cache_write_tokens,
        };
        break;
      case "stop":
        this.#stop = event.reason;
        this.#stopDetail = event.detail ?? null;
        break;
      case "error":
        this.#error = { code: event.code, message: event.message };
        break;
      case "tool_progress":
      case "tool_result":
        // Tool execution is not part of the model's message.
        break;
    }
  }

  #addToolCall(event: Extract<StreamEvent, { type: "tool_call" }>): void {
    if (event.phase === "start") this.#openCalls.set(event.call_id, { name: event.name, json: "" });
    else if (event.phase === "args_delta") {
      const open = this.#openCalls.get(event.call_id);
      if (open !== undefined) open.json += event.delta;
    } else {
      const open = this.#openCalls.get(event.call_id);
      this.#openCalls.delete(event.call_id);
      const part: ToolCallPart = {
        type: "tool_call",
        call_id: event.call_id,
        name: open?.name ?? "unknown",
        args: event.args,
        ...(event.args_json !== undefined && { args_json: event.args_json }),
        ...(event.signature !== undefined && { signature: event.signature }),
      };
      this.#content.push(part);
    }
  }

  /** Consecutive text grows one part; a signature rides on the part it arrived with. */
  #appendText(text: string, signature: string | undefined): void {
    const index = this.#content.length - 1;
    const last = this.#content[index];
    if (last?.type === "text" && (signature === undefined || last.signature === undefined)) {
      this.#content[index] = {
        type: "text",
        text: last.text + text,
        ...((signature ?? last.signature) !== undefined && { signature: signature ?? last.signature }),
      };
    } else if (text.length > 0 || signature !== undefined) {
      this.#content.push({ type: "text", text, ...(signature !== undefined && { signature }) });
    }
  }

  /**
   * Thinking grows one part until a signature seals it, a new reasoning item (or summary part)
   * begins, or something else comes between.
   */
  #appendThinking(event: Extract<StreamEvent, { type: "thinking_delta" }>): void {
    const index = this.#content.length - 1;
    const last = this.#content[index];
    const sealed = event.signature === undefined ? {} : { signature: event.signature };
    const item = event.item_id === undefined ? {} : { item_id: event.item_id };
    if (last?.type === "thinking" && last.signature === undefined && event.new_part !== true && last.item_id === event.item_id)
      this.#content[index] = { ...last, text: last.text + event.text, ...sealed };
    else if (event.text.length > 0 || event.signature !== undefined || event.new_part === true)
      this.#content.push({ type: "thinking", text: event.text, ...sealed, ...item });
  }

  get toolCalls(): ToolCallPart[] {
    return this.#content.filter((part): part is ToolCallPart => part.type === "tool_call");
  }

  build(): BuiltStep {
    const usage =
      this.#earlierAttempts === null
        ? this.#usage
        : this.#usage === null
          ? this.#earlierAttempts
          : addUsage(this.#earlierAttempts, this.#usage);
    return {
      content: [...this.#content],
      usage,
      stopReason: this.#stop,
      stopDetail: this.#stopDetail,
      error: this.#error,
      hasOutput: this.#content.length > 0,
    };
  }
}

/** Whether an event is output a client shows (what retries must not happen after). */
export function isOutput(event: StreamEvent): boolean {
  return (
    event.type === "text_delta" ||
    event.type === "thinking_delta" ||
    event.type === "redacted_thinking" ||
    event.type === "refusal_delta" ||
    event.type === "tool_call"
  );
}
