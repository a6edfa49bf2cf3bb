/**
 * Sending a provider request and reading its SSE answer, shared by every provider: headers go
 * out in exactly the order given (the fidelity spec), the body is checked against the API's
 * history rules before it leaves, the exchange is recorded with secrets masked (by header name
 * and by the credential's own values), a provider that does not answer or goes quiet is given up
 * on after the configured time, and every failure becomes a stream `error` event, never an
 * exception.
 */
import type { ProviderId, StreamEvent } from "@maestro/protocol";
import { SecretMask } from "../secret-mask.ts";
import type { ProviderContext, StreamTimeouts } from "./provider.ts";
import {
  connectTimeoutEvent,
  httpErrorEvent,
  idleTimeoutEvent,
  interruptedEvent,
  invalidRequestEvent,
  networkErrorEvent,
  protocolErrorEvent,
} from "./provider-error.ts";
import { encodeRequestBody } from "./raw-json.ts";
import { SseIdleError, type SseMessage, SseReader, parseSseJson } from "./sse.ts";
import { checkWireRequest } from "./wire-rules.ts";

export type HeaderList = readonly (readonly [string, string])[];
type ErrorEvent = Extract<StreamEvent, { type: "error" }>;

const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Enough of a response for the record without letting one message grow without bound. */
const MAX_RECORDED_EVENTS = 5000;
export const DEFAULT_STREAM_TIMEOUTS: StreamTimeouts = { connectMs: 60_000, idleMs: 300_000 };

export interface WireRequest {
  readonly url: string;
  /** The model asked for (some history rules depend on it: Gemini 3's thought signatures). */
  readonly model: string;
  readonly headers: HeaderList;
  readonly body: Record<string, unknown>;
  readonly secretHeaders: readonly string[];
}

export type Opened =
  | { readonly ok: true; readonly body: ReadableStream<Uint8Array>; readonly mask: SecretMask }
  | { readonly ok: false; readonly error: ErrorEvent | null };

/** The credential's own secret values: what an upstream echoing them back must not get past us. */
export function maskFor(context: ProviderContext): SecretMask {
  return new SecretMask([context.credential.apiKey, context.credential.accountId]);
}

export async function openStream(provider: ProviderId, context: ProviderContext, request: WireRequest): Promise<Opened> {
  const mask = maskFor(context);
  const encoded = encodeRequestBody(request.body);
  const secret = new Set(request.secretHeaders.map((name) => name.toLowerCase()));
  context.exchange.request = {
    url: request.url,
    headers: request.headers.map(([name, value]) => [name, secret.has(name.toLowerCase()) ? "[redacted]" : value]),
    // Masked when the answer's row is written, not before the request leaves (secret-mask.ts).
    body: mask.later(encoded.record),
  };
  // A history the API would refuse is our bug, not the provider's: say so instead of paying for a 400.
  const violations = checkWireRequest(provider, request.body, { model: request.model });
  if (violations.length > 0) return { ok: false, error: invalidRequestEvent(provider, violations) };

  const timeouts = context.timeouts ?? DEFAULT_STREAM_TIMEOUTS;
  const connect = linkedController(context.signal);
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The race (not only the abort) makes the limit hold even against a fetch that ignores signals.
  const expired = new Promise<"expired">((resolve) => {
    timer = setTimeout(() => {
      connect.abort(new Error("connect timeout"));
      resolve("expired");
    }, timeouts.connectMs);
  });
  try {
    let response: Response | "expired";
    try {
      response = await Promise.race([
        context.fetch(request.url, {
          method: "POST",
          headers: request.headers.map(([name, value]): [string, string] => [name, value]),
          body: encoded.text,
          signal: connect.signal,
        }),
        expired,
      ]);
    } catch {
      if (context.signal.aborted) return { ok: false, error: null };
      return { ok: false, error: connect.signal.aborted ? connectTimeoutEvent(provider, timeouts.connectMs) : networkErrorEvent(provider) };
    }
    if (response === "expired") return { ok: false, error: connectTimeoutEvent(provider, timeouts.connectMs) };
    if (response.ok && response.body !== null) {
      context.exchange.response = { status: response.status, events: [] };
      // workers-types leave the body untyped; a fetch body is always bytes.
      return { ok: true, body: response.body as ReadableStream<Uint8Array>, mask };
    }
    const text = await readLimited(response).catch(() => "");
    const parsed = parseSseJson(text);
    const body = mask.deep(parsed.ok ? parsed.value : text);
    context.exchange.response = { status: response.status, events: [body] };
    return { ok: false, error: httpErrorEvent(provider, response.status, response.headers, body) };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** A controller that aborts with `parent` too, so a timeout can stop one request without the turn. */
function linkedController(parent: AbortSignal): AbortController {
  const controller = new AbortController();
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener("abort", () => controller.abort(parent.reason), { once: true });
  return controller;
}

async function readLimited(response: Response): Promise<string> {
  const text = await response.text();
  return text.length > MAX_ERROR_BODY_BYTES ? text.slice(0, MAX_ERROR_BODY_BYTES) : text;
}

export interface SseJsonItem {
  readonly event: string | undefined;
  readonly value: unknown;
}

/**
 * The JSON payloads of an SSE body, recorded (masked) as they are taken. `read()` gives the
 * messages of the next upstream read (a chunk often holds several: they are handled without
 * awaiting between them), `take()` turns one into its JSON value; how the stream stopped is
 * settled afterwards with `failure`: cancelled (undefined, with the signal aborted), broken off,
 * gone quiet or sent something that is not JSON (an error event), or ended normally, with `done`
 * telling whether it said `[DONE]` (OpenAI's end marker). The reader closes it (`close()`).
 */
export class SseJson {
  readonly #provider: ProviderId;
  readonly #context: ProviderContext;
  readonly #mask: SecretMask;
  readonly #reader: SseReader;
  readonly #idleMs: number;
  readonly #recorded: unknown[] | undefined;
  #failure: ErrorEvent | undefined;
  #done = false;

  constructor(provider: ProviderId, context: ProviderContext, body: ReadableStream<Uint8Array>, mask: SecretMask) {
    this.#provider = provider;
    this.#context = context;
    this.#mask = mask;
    this.#idleMs = (context.timeouts ?? DEFAULT_STREAM_TIMEOUTS).idleMs;
    this.#reader = new SseReader(body, { idleMs: this.#idleMs });
    this.#recorded = context.exchange.response?.events;
  }

  get done(): boolean {
    return this.#done;
  }

  get failure(): ErrorEvent | undefined {
    return this.#failure;
  }

  /** The messages one upstream read completed; undefined once the body has ended or broken. */
  async read(): Promise<readonly SseMessage[] | undefined> {
    try {
      return await this.#reader.next();
    } catch (error) {
      if (!this.#context.signal.aborted)
        this.#failure = error instanceof SseIdleError ? idleTimeoutEvent(this.#provider, this.#idleMs) : interruptedEvent(this.#provider);
      return undefined;
    }
  }

  /** One message's JSON value, recorded; undefined when it ends the stream (`[DONE]`, or not JSON). */
  take(message: SseMessage): SseJsonItem | undefined {
    if (message.data === "[DONE]") {
      this.#done = true;
      return undefined;
    }
    const parsed = parseSseJson(message.data);
    if (this.#recorded !== undefined && this.#recorded.length < MAX_RECORDED_EVENTS)
      this.#recorded.push(parsed.ok ? this.#masked(parsed.value, message.data) : this.#mask.text(message.data));
    if (!parsed.ok) {
      this.#failure = protocolErrorEvent(this.#provider, "a chunk that is not JSON");
      return undefined;
    }
    return { event: message.event, value: parsed.value };
  }

  close(): Promise<void> {
    return this.#reader.close();
  }

  /**
   * The value for the record, masked. Text without escapes holds every string of its value as
   * written, and a secret or secret shape inside one of them is one in the text too: when the text
   * is clean, so is the value, and it is kept as parsed instead of copied string by string (that
   * copy was a large part of a streamed token's cost). Nothing changes the parsed value later.
   */
  #masked(value: unknown, text: string): unknown {
    return !text.includes("\\") && this.#mask.text(text) === text ? value : this.#mask.deep(value);
  }
}

/** A credential's base URL (or the provider's default), without a trailing slash. */
export function baseUrlOf(context: ProviderContext, defaultBaseUrl: string): string {
  return (context.credential.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "");
}
