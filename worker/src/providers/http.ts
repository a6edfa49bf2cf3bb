/**
 * Sending a provider request and reading its SSE answer, shared by every provider: headers go
 * out in exactly the order given (the fidelity spec), the exchange is recorded with secret
 * headers masked, and every failure — network, HTTP status, a broken stream — becomes a stream
 * `error` event instead of an exception.
 */
import type { ProviderId, StreamEvent } from "@maestro/protocol";
import type { ProviderContext } from "./provider.ts";
import { httpErrorEvent, interruptedEvent, networkErrorEvent, protocolErrorEvent } from "./provider-error.ts";
import { parseSseJson, readSse } from "./sse.ts";

export type HeaderList = readonly (readonly [string, string])[];
type ErrorEvent = Extract<StreamEvent, { type: "error" }>;

const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Enough of a response for the record without letting one message grow without bound. */
const MAX_RECORDED_EVENTS = 5000;

export type Opened =
  { readonly ok: true; readonly body: ReadableStream<Uint8Array> } | { readonly ok: false; readonly error: ErrorEvent | null };

export async function openStream(
  provider: ProviderId,
  context: ProviderContext,
  request: { url: string; headers: HeaderList; body: Record<string, unknown>; secretHeaders: readonly string[] },
): Promise<Opened> {
  const secret = new Set(request.secretHeaders.map((name) => name.toLowerCase()));
  context.exchange.request = {
    url: request.url,
    headers: request.headers.map(([name, value]) => [name, secret.has(name.toLowerCase()) ? "[redacted]" : value]),
    body: request.body,
  };
  let response: Response;
  try {
    response = await context.fetch(request.url, {
      method: "POST",
      headers: request.headers.map(([name, value]): [string, string] => [name, value]),
      body: JSON.stringify(request.body),
      signal: context.signal,
    });
  } catch {
    return { ok: false, error: context.signal.aborted ? null : networkErrorEvent(provider) };
  }
  if (response.ok && response.body !== null) {
    context.exchange.response = { status: response.status, events: [] };
    // workers-types leave the body untyped; a fetch body is always bytes.
    return { ok: true, body: response.body as ReadableStream<Uint8Array> };
  }
  const text = await readLimited(response).catch(() => "");
  const parsed = parseSseJson(text);
  const body = parsed.ok ? parsed.value : text;
  context.exchange.response = { status: response.status, events: [body] };
  return { ok: false, error: httpErrorEvent(provider, response.status, response.headers, body) };
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
 * The JSON payloads of an SSE body, recorded as they pass. Iterating yields JSON values only;
 * how the stream stopped is settled afterwards with `endedEarly()`: cancelled (say nothing
 * more), broken off or sent something that is not JSON (report it), or ended normally, with
 * `done` telling whether it said `[DONE]` (OpenAI's end marker).
 */
export class SseJson implements AsyncIterable<SseJsonItem> {
  readonly #provider: ProviderId;
  readonly #context: ProviderContext;
  readonly #body: ReadableStream<Uint8Array>;
  #failure: ErrorEvent | undefined;
  #done = false;

  constructor(provider: ProviderId, context: ProviderContext, body: ReadableStream<Uint8Array>) {
    this.#provider = provider;
    this.#context = context;
    this.#body = body;
  }

  get done(): boolean {
    return this.#done;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SseJsonItem> {
    const recorded = this.#context.exchange.response?.events;
    try {
      for await (const message of readSse(this.#body)) {
        if (message.data === "[DONE]") {
          this.#done = true;
          return;
        }
        const parsed = parseSseJson(message.data);
        if (recorded !== undefined && recorded.length < MAX_RECORDED_EVENTS) recorded.push(parsed.ok ? parsed.value : message.data);
        if (!parsed.ok) {
          this.#failure = protocolErrorEvent(this.#provider, "a chunk that is not JSON");
          return;
        }
        yield { event: message.event, value: parsed.value };
      }
    } catch {
      if (!this.#context.signal.aborted) this.#failure = interruptedEvent(this.#provider);
    }
  }

  /** After the loop: yields the failure that stopped the stream, if any; true when it must not go on. */
  *endedEarly(): Generator<StreamEvent, boolean> {
    if (this.#context.signal.aborted) return true;
    if (this.#failure === undefined) return false;
    yield this.#failure;
    return true;
  }
}

/**
 * A provider call end to end: send the request, then map its SSE body into StreamEvents, or
 * yield the one error that stopped it from starting. Every provider's `stream()` is this.
 */
export async function* streamRequest(
  provider: ProviderId,
  context: ProviderContext,
  request: { url: string; headers: HeaderList; body: Record<string, unknown>; secretHeaders: readonly string[] },
  toEvents: (body: ReadableStream<Uint8Array>, context: ProviderContext) => AsyncGenerator<StreamEvent>,
): AsyncGenerator<StreamEvent> {
  const opened = await openStream(provider, context, request);
  if (!opened.ok) {
    if (opened.error !== null) yield opened.error;
    return;
  }
  yield* toEvents(opened.body, context);
}

/** A credential's base URL (or the provider's default), without a trailing slash. */
export function baseUrlOf(context: ProviderContext, defaultBaseUrl: string): string {
  return (context.credential.baseUrl ?? defaultBaseUrl).replace(/\/+$/, "");
}
