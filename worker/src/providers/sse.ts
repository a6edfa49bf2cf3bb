/**
 * Server-sent events from a provider's response body, parsed by eventsource-parser (a well-kept
 * parser; SSE has enough edge cases — CRLF, multi-line data, comments — not to hand-roll).
 * The only place in the Worker that turns upstream text into JSON. One non-SSE shape is read
 * too: a JSON object written into the body without `data:` framing (Gemini does this with an
 * error after a finished stream, vercel/ai#5217; @google/genai checks every read for it), which
 * comes out as a message of its own.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";

export interface SseMessage {
  readonly event: string | undefined;
  readonly data: string;
}

/** A single SSE line may not grow past this: a provider that never ends its frame is broken. */
const MAX_BUFFER_CHARS = 8 * 1024 * 1024;
/** An unframed JSON object is an error body, never a long one. */
const MAX_STRAY_CHARS = 64 * 1024;

/** The body sent nothing for longer than the idle limit. */
export class SseIdleError extends Error {
  override readonly name = "SseIdleError";
}

/**
 * Messages in arrival order. Reads the body directly (no pipeThrough chains: in workerd their
 * internal pipe promises surface a dropped connection as an unhandled rejection); a broken
 * body rejects the iteration, a body silent for `idleMs` rejects it with SseIdleError, and
 * returning early cancels the body.
 */
export async function* readSse(body: ReadableStream<Uint8Array>, options: { idleMs?: number } = {}): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const ready: EventSourceMessage[] = [];
  let broken: Error | undefined;
  const stray = new StrayJson((data) => ready.push({ data }));
  const parser = createParser({
    onEvent: (message) => ready.push(message),
    onError: (error) => {
      if (error.type === "max-buffer-size-exceeded") broken = error;
      // Lines that are not SSE fields: possibly an unframed JSON object, line by line.
      else if (error.type === "unknown-field" && error.line !== undefined) stray.add(error.line);
    },
    maxBufferSize: MAX_BUFFER_CHARS,
  });
  try {
    for (;;) {
      const { done, value } = await readWithin(reader, options.idleMs);
      parser.feed(done ? decoder.decode() : decoder.decode(value, { stream: true }));
      if (broken !== undefined) throw broken;
      for (const message of ready.splice(0)) yield { event: message.event, data: message.data };
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Collects non-SSE lines that begin a JSON object until they make one whole object. */
class StrayJson {
  #text = "";
  readonly #found: (data: string) => void;

  constructor(found: (data: string) => void) {
    this.#found = found;
  }

  add(line: string): void {
    if (this.#text === "" && !line.trimStart().startsWith("{")) return;
    this.#text += `${line}\n`;
    if (this.#text.length > MAX_STRAY_CHARS) this.#text = "";
    else if (line.trimEnd().endsWith("}") && parseJsonObject(this.#text) !== undefined) {
      this.#found(this.#text);
      this.#text = "";
    }
  }
}

/** One read, or SseIdleError when nothing (not even an SSE comment) comes within `idleMs`. */
async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  idleMs: number | undefined,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  if (idleMs === undefined) return reader.read();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silence = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new SseIdleError(`no data for ${idleMs} ms`)), idleMs);
  });
  try {
    return await Promise.race([reader.read(), silence]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
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
