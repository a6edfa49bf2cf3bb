/**
 * Server-sent events from a provider's response body, parsed by eventsource-parser (a well-kept
 * parser; SSE has enough edge cases — CRLF, multi-line data, comments — not to hand-roll).
 * The only place in the Worker that turns upstream text into JSON.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";

export interface SseMessage {
  readonly event: string | undefined;
  readonly data: string;
}

/** A single SSE line may not grow past this: a provider that never ends its frame is broken. */
const MAX_BUFFER_CHARS = 8 * 1024 * 1024;

/**
 * Messages in arrival order. Reads the body directly (no pipeThrough chains: in workerd their
 * internal pipe promises surface a dropped connection as an unhandled rejection); a broken
 * body rejects the iteration, and returning early cancels the body.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const ready: EventSourceMessage[] = [];
  let broken: Error | undefined;
  const parser = createParser({
    onEvent: (message) => ready.push(message),
    onError: (error) => {
      if (error.type === "max-buffer-size-exceeded") broken = error;
    },
    maxBufferSize: MAX_BUFFER_CHARS,
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      parser.feed(done ? decoder.decode() : decoder.decode(value, { stream: true }));
      if (broken !== undefined) throw broken;
      for (const message of ready.splice(0)) yield { event: message.event, data: message.data };
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

export type ParsedData = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

export function parseSseJson(data: string): ParsedData {
  try {
    return { ok: true, value: JSON.parse(data) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Tool-call arguments: a JSON object, or undefined when the text is not one. Empty text is `{}`. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (text.trim() === "") return {};
  const parsed = parseSseJson(text);
  if (!parsed.ok) return undefined;
  const value = parsed.value;
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
