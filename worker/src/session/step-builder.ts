/**
 * Folds the StreamEvents of one model call into the assistant message they make up: content
 * parts in order (thinking with its signature, text, tool calls with their arguments), usage,
 * the stop reason, and the error that ended it if one did. Pure: used live by the agent loop and
 * again to rebuild a partial message from the event log after an interrupted turn.
 */
import type { ContentPart, ErrorCode, StopReason, StreamEvent, TokenUsage } from "@maestro/protocol";

export interface BuiltStep {
  readonly content: ContentPart[];
  readonly usage: TokenUsage | null;
  readonly costUsd: number | null;
  readonly stopReason: StopReason | null;
  readonly error: { readonly code: ErrorCode; readonly message: string } | null;
  /** Whether anything a client would show (text, thinking, a tool call) arrived. */
  readonly hasOutput: boolean;
}

type ToolCallPart = Extract<ContentPart, { type: "tool_call" }>;

export class StepBuilder {
  readonly #content: ContentPart[] = [];
  #usage: TokenUsage | null = null;
  #cost: number | null = null;
  #stop: StopReason | null = null;
  #error: BuiltStep["error"] = null;
  readonly #openCalls = new Map<string, { name: string; json: string }>();

  add(event: StreamEvent): void {
    switch (event.type) {
      case "text_delta":
        this.#appendText("text", event.text);
        break;
      case "thinking_delta":
        this.#appendText("thinking", event.text, event.signature);
        break;
      case "tool_call":
        if (event.phase === "start") this.#openCalls.set(event.call_id, { name: event.name, json: "" });
        else if (event.phase === "args_delta") {
          const open = this.#openCalls.get(event.call_id);
          if (open !== undefined) open.json += event.delta;
        } else {
          const open = this.#openCalls.get(event.call_id);
          this.#openCalls.delete(event.call_id);
          const part: ToolCallPart = { type: "tool_call", call_id: event.call_id, name: open?.name ?? "unknown", args: event.args };
          this.#content.push(event.signature === undefined ? part : { ...part, signature: event.signature });
        }
        break;
      case "usage":
        this.#usage = {
          input_tokens: event.input_tokens,
          output_tokens: event.output_tokens,
          cache_read_tokens: event.cache_read_tokens,
          cache_write_tokens: event.cache_write_tokens,
        };
        this.#cost = event.cost_usd ?? null;
        break;
      case "stop":
        this.#stop = event.reason;
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

  /** Consecutive deltas of one kind grow one part; a signature closes a thinking part. */
  #appendText(type: "text" | "thinking", text: string, signature?: string): void {
    const index = this.#content.length - 1;
    const last = this.#content[index];
    if (type === "text") {
      if (last?.type === "text") this.#content[index] = { type: "text", text: last.text + text };
      else if (text.length > 0) this.#content.push({ type: "text", text });
      return;
    }
    const sealed = signature === undefined ? {} : { signature };
    if (last?.type === "thinking" && last.signature === undefined)
      this.#content[index] = { type: "thinking", text: last.text + text, ...sealed };
    else if (text.length > 0 || signature !== undefined) this.#content.push({ type: "thinking", text, ...sealed });
  }

  get toolCalls(): ToolCallPart[] {
    return this.#content.filter((part): part is ToolCallPart => part.type === "tool_call");
  }

  build(): BuiltStep {
    return {
      content: [...this.#content],
      usage: this.#usage,
      costUsd: this.#cost,
      stopReason: this.#stop,
      error: this.#error,
      hasOutput: this.#content.length > 0,
    };
  }
}

/** Whether an event is output a client shows (what retries must not happen after). */
export function isOutput(event: StreamEvent): boolean {
  return event.type === "text_delta" || event.type === "thinking_delta" || event.type === "tool_call";
}
