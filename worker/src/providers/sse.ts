/**
 * Server-sent events from a provider's response body, parsed by eventsource-parser (a well-kept
 * parser; SSE has enough edge cases — CRLF, multi-line data, comments — not to hand-roll).
 * The only place in the Worker that turns upstream text into JSON. One non-SSE shape is read
 * too: a JSON object written into the body without `data:` framing (Gemini does this with an
 * error after a finished stream, vercel/ai#5217; @google/genai checks every read for it), which
 * comes out as a message of its own.
 */
import { type EventSourceParser, createParser } from "eventsource-parser";

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
 * The messages of one body, a read at a time: `next()` gives every message one upstream read
 * completed (several when they arrived together, so they are handled in one go), or undefined once
 * the body has ended. Reads the body directly (no pipeThrough chains: in workerd their internal
 * pipe promises surface a dropped connection as an unhandled rejection); a broken body rejects,
 * a body silent for `idleMs` rejects with SseIdleError, and `close()` cancels the body.
 */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  readonly #parser: EventSourceParser;
  readonly #watchdog: IdleWatchdog | undefined;
  #ready: SseMessage[] = [];
  #broken: Error | undefined;
  #ended = false;

  constructor(body: ReadableStream<Uint8Array>, options: { idleMs?: number } = {}) {
    this.#reader = body.getReader();
    const stray = new StrayJson((data) => this.#ready.push({ event: undefined, data }));
    this.#parser = createParser({
      onEvent: (message) => this.#ready.push({ event: message.event, data: message.data }),
      onError: (error) => {
        if (error.type === "max-buffer-size-exceeded") this.#broken = error;
        // Lines that are not SSE fields: possibly an unframed JSON object, line by line.
        else if (error.type === "unknown-field" && error.line !== undefined) stray.add(error.line);
      },
      maxBufferSize: MAX_BUFFER_CHARS,
    });
    // A silent body is cancelled, which ends the read waiting on it; next() then says why.
    const idleMs = options.idleMs;
    this.#watchdog = idleMs === undefined ? undefined : new IdleWatchdog(idleMs, () => void this.#reader.cancel().catch(() => undefined));
  }

  async next(): Promise<SseMessage[] | undefined> {
    while (!this.#ended) {
      let read;
      try {
        read = await this.#reader.read();
      } catch (error) {
        throw this.#idleError() ?? error;
      }
      const { done, value } = read;
      const idle = this.#idleError();
      if (idle !== undefined) throw idle;
      this.#watchdog?.touch();
      this.#parser.feed(done ? this.#decoder.decode() : this.#decoder.decode(value, { stream: true }));
      if (this.#broken !== undefined) throw this.#broken;
      if (done) this.#ended = true;
      if (this.#ready.length > 0) {
        const messages = this.#ready;
        this.#ready = [];
        return messages;
      }
    }
    return undefined;
  }

  /** Why the read ended, when the watchdog cancelled the body. */
  #idleError(): SseIdleError | undefined {
    return this.#watchdog?.fired === true ? new SseIdleError(`no data for ${this.#watchdog.idleMs} ms`) : undefined;
  }

  async close(): Promise<void> {
    this.#watchdog?.stop();
    await this.#reader.cancel().catch(() => undefined);
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

/**
 * Calls `onIdle` once when no read completes for `idleMs`. One timer per stream, re-armed for the
 * rest of the window when it fires early — not one timer per read (a timer set and cleared for
 * every chunk was a fifth of a streamed token's CPU), nor a race per read against a promise that
 * lives as long as the stream (each race left a reaction on it until the stream ended).
 */
class IdleWatchdog {
  readonly idleMs: number;
  readonly #onIdle: () => void;
  #fired = false;
  #lastRead = Date.now();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(idleMs: number, onIdle: () => void) {
    this.idleMs = idleMs;
    this.#onIdle = onIdle;
    this.#arm(idleMs);
  }

  get fired(): boolean {
    return this.#fired;
  }

  /** A read completed. */
  touch(): void {
    this.#lastRead = Date.now();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => {
      const silentFor = Date.now() - this.#lastRead;
      if (silentFor < this.idleMs) return this.#arm(this.idleMs - silentFor);
      this.#timer = undefined;
      this.#fired = true;
      this.#onIdle();
    }, ms);
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
