/**
 * What one model response has said so far, kept by the stream driver while a provider's chunk
 * mapper reads the stream: usage as reported (possibly in pieces, at either end), tool calls as
 * their arguments arrive, how the provider said it stopped, and a failure it reported. The
 * mappers only translate chunks into calls on this; the rules for ending live in the driver.
 */
import type { StopReason, StreamEvent, ToolCallId } from "@maestro/protocol";
import { parseJsonObject } from "./sse.ts";

type ErrorEvent = Extract<StreamEvent, { type: "error" }>;

export interface UsageReport {
  readonly input?: number | null | undefined;
  readonly output?: number | null | undefined;
  readonly cacheRead?: number | null | undefined;
  readonly cacheWrite?: number | null | undefined;
}

interface ToolCallState {
  readonly id: ToolCallId;
  name: string;
  json: string;
  started: boolean;
  closed: boolean;
  /** The arguments text did not parse: a call cut off by the output limit, or a broken provider. */
  unparsable: boolean;
}

export interface StopState {
  readonly reason: StopReason;
  readonly providerReason: string | undefined;
  /** What the user should know about this ending, when the reason alone does not say it. */
  readonly detail?: string | undefined;
}

export interface ClosedCall {
  readonly args: Record<string, unknown>;
  readonly argsJson?: string;
  readonly signature?: string;
}

export class StreamState {
  readonly #usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  #usageReported = false;
  readonly #calls = new Map<string, ToolCallState>();
  #stop: StopState | undefined;
  #terminal = false;
  #failure: ErrorEvent | undefined;

  // ── Usage ──────────────────────────────────────────────────────────────────────────────────

  /** A usage report: each number given replaces the one before (providers send running totals). */
  usage(report: UsageReport): void {
    const set = (key: keyof StreamState["usageTotals"], value: number | null | undefined) => {
      if (typeof value !== "number" || !Number.isFinite(value)) return;
      this.#usage[key] = Math.max(0, Math.round(value));
      this.#usageReported = true;
    };
    set("input", report.input);
    set("output", report.output);
    set("cacheRead", report.cacheRead);
    set("cacheWrite", report.cacheWrite);
  }

  get usageTotals(): { input: number; output: number; cacheRead: number; cacheWrite: number } {
    return { ...this.#usage };
  }

  /** The usage event, when the provider reported any numbers (never made up when it did not). */
  usageEvent(): StreamEvent | undefined {
    if (!this.#usageReported) return undefined;
    return {
      type: "usage",
      input_tokens: this.#usage.input,
      output_tokens: this.#usage.output,
      cache_read_tokens: this.#usage.cacheRead,
      cache_write_tokens: this.#usage.cacheWrite,
    };
  }

  // ── Tool calls ─────────────────────────────────────────────────────────────────────────────

  /** A call the provider announced under `key` (its index or item id). Named calls start at once. */
  *openCall(key: string, call: { id: ToolCallId; name?: string | undefined }): Generator<StreamEvent> {
    const existing = this.#calls.get(key);
    const state = existing ?? { id: call.id, name: "", json: "", started: false, closed: false, unparsable: false };
    this.#calls.set(key, state);
    if (call.name) state.name = call.name;
    yield* this.#start(state);
  }

  /** More of a call's name, for providers that stream it (OpenAI-compatible servers). */
  *nameCall(key: string, piece: string): Generator<StreamEvent> {
    const state = this.#calls.get(key);
    if (state === undefined || state.started) return;
    state.name += piece;
    yield* this.#start(state);
  }

  *appendArgs(key: string, delta: string): Generator<StreamEvent> {
    const state = this.#calls.get(key);
    if (state === undefined || delta.length === 0) return;
    state.json += delta;
    if (state.started) yield { type: "tool_call", phase: "args_delta", call_id: state.id, delta };
  }

  /** The call's whole arguments text, as the provider finally gave it (it wins over the deltas). */
  replaceArgs(key: string, json: string): void {
    const state = this.#calls.get(key);
    if (state !== undefined && !state.closed) state.json = json;
  }

  /**
   * The call is complete. `whole` carries arguments a provider sends as an object (Gemini);
   * otherwise the streamed text is parsed. A text that does not parse is kept as unfinished:
   * whether that is an output limit or a broken stream is only known when the response ends.
   */
  *closeCall(key: string, whole?: { args: Record<string, unknown>; signature?: string | undefined }): Generator<StreamEvent> {
    const state = this.#calls.get(key);
    if (state === undefined || state.closed) return;
    yield* this.#start(state);
    if (!state.started) return;
    const closed =
      whole === undefined ? parseCall(state.json) : { args: whole.args, ...(whole.signature && { signature: whole.signature }) };
    if (closed === undefined) {
      state.unparsable = true;
      return;
    }
    state.closed = true;
    yield {
      type: "tool_call",
      phase: "end",
      call_id: state.id,
      args: closed.args,
      ...(closed.argsJson !== undefined && { args_json: closed.argsJson }),
      ...(closed.signature !== undefined && { signature: closed.signature }),
    };
  }

  /** Closes every call still open (providers that end calls only with the response), in order. */
  *closeOpenCalls(): Generator<StreamEvent> {
    for (const [key, state] of this.#calls) if (!state.closed && !state.unparsable) yield* this.closeCall(key);
  }

  /** Calls that started but never became whole: their names, for the user. */
  unfinishedCalls(): string[] {
    return [...this.#calls.values()].filter((state) => state.started && !state.closed).map((state) => state.name);
  }

  get calledTools(): boolean {
    return [...this.#calls.values()].some((state) => state.closed);
  }

  *#start(state: ToolCallState): Generator<StreamEvent> {
    if (state.started || state.name.length === 0) return;
    state.started = true;
    yield { type: "tool_call", phase: "start", call_id: state.id, name: state.name };
    if (state.json.length > 0) yield { type: "tool_call", phase: "args_delta", call_id: state.id, delta: state.json };
  }

  // ── Ending ─────────────────────────────────────────────────────────────────────────────────

  /** How the provider said it stopped (may come before the stream's last event). */
  stopWith(reason: StopReason, providerReason?: string, detail?: string): void {
    this.#stop = { reason, providerReason, detail };
  }

  get stop(): StopState | undefined {
    return this.#stop;
  }

  /** The provider's own end-of-response event arrived (Anthropic message_stop, response.completed). */
  markTerminal(): void {
    this.#terminal = true;
  }

  get terminal(): boolean {
    return this.#terminal;
  }

  /** An error the provider reported in the stream; reading stops. */
  fail(error: ErrorEvent): void {
    this.#failure ??= error;
  }

  get failure(): ErrorEvent | undefined {
    return this.#failure;
  }
}

/** Arguments text as the model wrote it: parsed, with the text kept when it is not what JSON.stringify gives. */
function parseCall(json: string): ClosedCall | undefined {
  const args = parseJsonObject(json);
  if (args === undefined) return undefined;
  // Empty arguments are `{}`; that is how they go back, so there is no other spelling to keep.
  if (json.trim() === "" || json === JSON.stringify(args)) return { args };
  return { args, argsJson: json };
}
