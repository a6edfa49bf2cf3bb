/**
 * The one stream driver (issue 11 §7): every provider's answer is read here — send the request,
 * parse each SSE payload against the provider's chunk schema, let the provider's mapper turn it
 * into events and state, and end the response by the same rules for everyone:
 *
 * - cancelled: say nothing more;
 * - failed (a reported error, a dropped connection, silence, a chunk that is not JSON): the usage
 *   reported so far, then the error — a partial answer keeps what it cost;
 * - ended without the provider's sign that it was complete: the usage so far, then "interrupted";
 * - complete: calls whose arguments never became whole are an output limit reached mid-call (a
 *   clear stop saying so) or else a protocol error; then usage, then the stop.
 */
import { type ProviderId, type StopReason, type StreamEvent, appendJoined } from "@maestro/protocol";
import type { z } from "zod";
import { type WireRequest, SseJson, openStream } from "./http.ts";
import type { ProviderContext } from "./provider.ts";
import { interruptedEvent, protocolErrorEvent } from "./provider-error.ts";
import type { SseMessage } from "./sse.ts";
import { StreamState } from "./stream-state.ts";

export interface ChunkMapper<Chunk> {
  /** Validates one SSE JSON payload. */
  readonly schema: z.ZodType<Chunk>;
  /**
   * How a response shows it is complete: `terminal` — a final event of its own is required
   * (Anthropic message_stop, Responses response.completed); `stop_or_done` — a stop reason or
   * OpenAI's `[DONE]` is enough.
   */
  readonly completion: "terminal" | "stop_or_done";
  /** A payload the schema refused that is merely a kind this code does not know, and is skipped. */
  isUnknown?(value: unknown): boolean;
  /**
   * The most common chunk (a plain text delta) recognised without the schema, which costs more
   * than the rest of a token's parsing: the value itself when the schema would accept it and give
   * back the same fields, else undefined (and the schema decides).
   */
  quick?(value: unknown): Chunk | undefined;
  /** One chunk: yields what clients see and records the rest on `state`. */
  map(chunk: Chunk, state: StreamState, event: string | undefined): Iterable<StreamEvent>;
}

export async function* streamResponse<Chunk>(
  provider: ProviderId,
  context: ProviderContext,
  request: WireRequest,
  mapper: ChunkMapper<Chunk>,
): AsyncGenerator<StreamEvent> {
  const opened = await openStream(provider, context, request);
  if (!opened.ok) {
    if (opened.error !== null) yield opened.error;
    return;
  }
  const state = new StreamState();
  const stream = new SseJson(provider, context, opened.body, opened.mask);
  // One await per upstream read, not per message: what one read brings is mapped in one go, and
  // its deltas are joined (a burst of tokens that arrived together is one event, so one frame, one
  // log entry and one send per socket instead of one each — what a busy Worker catches up with).
  try {
    for (let messages = await stream.read(); messages !== undefined; messages = await stream.read()) {
      const events: StreamEvent[] = [];
      const ended = mapRead(provider, stream, mapper, state, messages, events);
      yield* events;
      if (ended) break;
    }
  } finally {
    await stream.close();
  }
  if (context.signal.aborted) return;
  const failure = state.failure ?? stream.failure;
  if (failure !== undefined) {
    yield* usageOf(state);
    yield failure;
    return;
  }
  const complete = mapper.completion === "terminal" ? state.terminal : state.stop !== undefined || stream.done;
  if (!complete) {
    yield* usageOf(state);
    yield interruptedEvent(provider);
    return;
  }
  yield* state.closeOpenCalls();
  const stop = state.stop ?? { reason: "other" as StopReason, providerReason: undefined };
  const unfinished = state.unfinishedCalls();
  let detail = stop.detail;
  if (unfinished.length > 0) {
    if (stop.reason !== "max_tokens") {
      yield* usageOf(state);
      yield protocolErrorEvent(provider, "tool arguments that are not a JSON object");
      return;
    }
    detail = `The output limit was reached while the model was writing a tool call (${unfinished.join(", ")}); the call was not run.`;
  }
  // An answer that called tools stopped to use them, whatever word the server used (Google's
  // OpenAI endpoint says "stop").
  const reason = stop.reason === "end_turn" && state.calledTools ? "tool_use" : stop.reason;
  yield* usageOf(state);
  yield {
    type: "stop",
    reason,
    ...(stop.providerReason !== undefined && { provider_reason: stop.providerReason }),
    ...(detail !== undefined && { detail }),
  };
}

/**
 * The events of one read's messages, joined where a client's fold cannot tell (appendJoined), into
 * `events`; true when the response ended among them (its end, a failure, or the body's end).
 */
function mapRead<Chunk>(
  provider: ProviderId,
  stream: SseJson,
  mapper: ChunkMapper<Chunk>,
  state: StreamState,
  messages: readonly SseMessage[],
  events: StreamEvent[],
): boolean {
  for (const message of messages) {
    const item = stream.take(message);
    if (item === undefined) return true;
    let chunk = mapper.quick?.(item.value);
    if (chunk === undefined) {
      const parsed = mapper.schema.safeParse(item.value);
      if (!parsed.success) {
        if (mapper.isUnknown?.(item.value) === true) continue;
        state.fail(protocolErrorEvent(provider, "a malformed chunk"));
        return true;
      }
      chunk = parsed.data;
    }
    for (const event of mapper.map(chunk, state, item.event)) appendJoined(events, event);
    if (state.failure !== undefined || state.terminal) return true;
  }
  return false;
}

function* usageOf(state: StreamState): Generator<StreamEvent> {
  const usage = state.usageEvent();
  if (usage !== undefined) yield usage;
}

/** For quick parsers: a JSON object (not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** For quick parsers: what a `z.string().nullish()` field accepts. */
export function isNullishString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === "string";
}

/** For mappers: an SSE payload's `type`, when it has one. */
export function typeOf(value: unknown): string | undefined {
  const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
  return typeof type === "string" ? type : undefined;
}
