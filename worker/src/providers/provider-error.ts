/**
 * Upstream failures as stream `error` events (STYLE §2.2 "Errors"). What is retryable: 408, 409,
 * 429 and 5xx (vercel/ai APICallError), and the in-stream errors that say the same in words
 * (overloaded, rate limited, server error — the codes Codex retries). `retry-after` is honoured.
 * The provider's own explanation ("prompt is too long: 215000 tokens > 200000") is shown in full:
 * it is how the user learns what to change. Callers mask secrets in the body before it gets here.
 */
import type { ErrorCode, ProviderId, StreamEvent } from "@maestro/protocol";

type ErrorEvent = Extract<StreamEvent, { type: "error" }>;

const PROVIDER_NAMES: Record<ProviderId, string> = {
  anthropic: "Anthropic",
  openai: "OpenAI",
  openai_responses: "OpenAI",
  codex: "ChatGPT (Codex)",
  gemini: "Gemini",
};

/** A provider's explanation is kept whole up to this; past it, it is a dump, not a message. */
const MAX_UPSTREAM_MESSAGE = 4000;

export function providerName(provider: ProviderId): string {
  return PROVIDER_NAMES[provider];
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function codeOfStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return "PROVIDER_AUTH";
  if (status === 429) return "PROVIDER_RATE_LIMITED";
  // The completion endpoints exist: a 404 from one is the model (Anthropic not_found_error, OpenAI model_not_found).
  if (status === 404) return "PROVIDER_MODEL_NOT_FOUND";
  if (status === 408 || status === 409 || status >= 500) return "PROVIDER_UNAVAILABLE";
  return "PROVIDER_ERROR";
}

/** `retry-after-ms`, `retry-after` in seconds, or `retry-after` as an HTTP date. */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const milliseconds = Number(headers.get("retry-after-ms"));
  if (headers.has("retry-after-ms") && Number.isFinite(milliseconds) && milliseconds >= 0) return Math.round(milliseconds);
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What an upstream error body says: its machine word (type, code or status) and its message. */
export interface UpstreamError {
  readonly word: string | undefined;
  readonly message: string | undefined;
}

const WORD = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Reads the error shapes providers use: Anthropic `{type:"error", error:{type, message}}`, OpenAI
 * `{error:{message, type, code}}` and the Responses `error` event `{type:"error", code, message}`,
 * Gemini `{error:{code, message, status}}`, and a Responses `response.error`.
 */
export function readUpstreamError(body: unknown): UpstreamError {
  if (typeof body === "string") return { word: undefined, message: body.trim() === "" ? undefined : body };
  if (typeof body !== "object" || body === null) return { word: undefined, message: undefined };
  const outer = body as Record<string, unknown>;
  const inner = typeof outer.error === "object" && outer.error !== null ? (outer.error as Record<string, unknown>) : {};
  // The most specific word first: a code says more than a type ("context_length_exceeded" > "invalid_request_error").
  const candidates = [inner.code, inner.status, inner.type, outer.code, outer.type === "error" ? undefined : outer.type];
  const word = candidates.find((candidate): candidate is string => typeof candidate === "string" && WORD.test(candidate));
  const message = [inner.message, outer.message].find((candidate): candidate is string => typeof candidate === "string");
  return { word, message };
}

const RATE_LIMITED = /rate_limit|resource_exhausted|too_many_requests/i;
/**
 * How each provider says the request is longer than the model's window: Anthropic "prompt is too
 * long: 215000 tokens > 200000 maximum", OpenAI `context_length_exceeded` ("maximum context
 * length is … tokens"), Gemini "The input token count (…) exceeds the maximum number of tokens
 * allowed". The session compacts and asks again when it sees one.
 */
const CONTEXT_TOO_LONG =
  /context_length_exceeded|prompt is too long|maximum context length|input token count.*exceeds|exceeds the context window|too many tokens/i;

/** Whether an upstream error says the request did not fit the model's context window. */
function isContextTooLong(upstream: UpstreamError): boolean {
  return CONTEXT_TOO_LONG.test(upstream.word ?? "") || CONTEXT_TOO_LONG.test(upstream.message ?? "");
}
const UNAVAILABLE = /overload|unavailable|server_error|api_error|internal|slow_down|timeout|capacity/i;
const AUTH = /auth|permission|invalid_api_key|unauthenticated|forbidden/i;

/** The error code and whether trying again can help, from the upstream's own word. */
function classifyWord(word: string | undefined): { code: ErrorCode; retryable: boolean } {
  if (word === undefined) return { code: "PROVIDER_ERROR", retryable: false };
  if (RATE_LIMITED.test(word)) return { code: "PROVIDER_RATE_LIMITED", retryable: true };
  if (/insufficient_quota|usage_not_included|billing/i.test(word)) return { code: "PROVIDER_ERROR", retryable: false };
  if (UNAVAILABLE.test(word)) return { code: "PROVIDER_UNAVAILABLE", retryable: true };
  if (AUTH.test(word)) return { code: "PROVIDER_AUTH", retryable: false };
  return { code: "PROVIDER_ERROR", retryable: false };
}

/** OpenAI's rate-limit messages say when to come back ("Please try again in 1.2s"), as Codex reads them. */
function retryDelayFromMessage(message: string | undefined): number | undefined {
  const match = message?.match(/try again in\s*(\d+(?:\.\d+)?)\s*(ms|s|seconds?)\b/i);
  if (match?.[1] === undefined) return undefined;
  const amount = Number(match[1]);
  return Math.round(match[2]?.toLowerCase() === "ms" ? amount : amount * 1000);
}

function describe(lead: string, upstream: UpstreamError): string {
  const word = upstream.word === undefined ? "" : ` (${upstream.word})`;
  const said = upstream.message?.trim();
  if (said === undefined || said === "") return `${lead}${word}.`;
  const capped = said.length > MAX_UPSTREAM_MESSAGE ? `${said.slice(0, MAX_UPSTREAM_MESSAGE)}…` : said;
  return `${lead}${word}: ${capped}`;
}

export function httpErrorEvent(provider: ProviderId, status: number, headers: Headers, body: unknown): ErrorEvent {
  const upstream = readUpstreamError(body);
  const wait = retryAfterMs(headers) ?? (status === 429 ? retryDelayFromMessage(upstream.message) : undefined);
  return {
    type: "error",
    code:
      status === 400 || status === 413 ? (isContextTooLong(upstream) ? "CONTEXT_TOO_LONG" : codeOfStatus(status)) : codeOfStatus(status),
    message: describe(`${PROVIDER_NAMES[provider]} answered HTTP ${status}`, upstream),
    retryable: isRetryableStatus(status),
    ...(wait !== undefined && { retry_after_ms: wait }),
  };
}

/** An error the provider reported inside an otherwise healthy stream (Anthropic `overloaded_error`, `response.failed`). */
export function streamErrorEvent(provider: ProviderId, body: unknown): ErrorEvent {
  const upstream = readUpstreamError(body);
  const { code, retryable } = isContextTooLong(upstream)
    ? { code: "CONTEXT_TOO_LONG" as const, retryable: false }
    : classifyWord(upstream.word);
  const wait = code === "PROVIDER_RATE_LIMITED" ? retryDelayFromMessage(upstream.message) : undefined;
  return {
    type: "error",
    code,
    message: describe(`${PROVIDER_NAMES[provider]} reported an error mid-stream`, upstream),
    retryable,
    ...(wait !== undefined && { retry_after_ms: wait }),
  };
}

/** A stream that failed without saying why (Responses `response.failed` with no error): Codex retries it. */
export function unexplainedFailureEvent(provider: ProviderId): ErrorEvent {
  return {
    type: "error",
    code: "PROVIDER_UNAVAILABLE",
    message: `${PROVIDER_NAMES[provider]} reported that the response failed.`,
    retryable: true,
  };
}

export function networkErrorEvent(provider: ProviderId): ErrorEvent {
  return { type: "error", code: "PROVIDER_UNAVAILABLE", message: `${PROVIDER_NAMES[provider]} could not be reached.`, retryable: true };
}

export function protocolErrorEvent(provider: ProviderId, what: string): ErrorEvent {
  return { type: "error", code: "PROVIDER_PROTOCOL", message: `${PROVIDER_NAMES[provider]} sent ${what}.`, retryable: false };
}

export function interruptedEvent(provider: ProviderId): ErrorEvent {
  return {
    type: "error",
    code: "STREAM_INTERRUPTED",
    message: `The stream from ${PROVIDER_NAMES[provider]} ended before the response was complete.`,
    retryable: true,
  };
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(2))} s`;

export function connectTimeoutEvent(provider: ProviderId, timeoutMs: number): ErrorEvent {
  return {
    type: "error",
    code: "PROVIDER_TIMEOUT",
    message: `${PROVIDER_NAMES[provider]} did not answer within ${seconds(timeoutMs)}.`,
    retryable: true,
  };
}

export function idleTimeoutEvent(provider: ProviderId, idleMs: number): ErrorEvent {
  return {
    type: "error",
    code: "PROVIDER_TIMEOUT",
    message: `${PROVIDER_NAMES[provider]} sent nothing for ${seconds(idleMs)}, so the stream was closed.`,
    retryable: true,
  };
}

/** A request The Maestro built that the API's rules forbid: a bug on our side, caught before it cost a call. */
export function invalidRequestEvent(provider: ProviderId, violations: readonly string[]): ErrorEvent {
  return {
    type: "error",
    code: "INTERNAL",
    message: `The Maestro built a request ${PROVIDER_NAMES[provider]} would refuse, so it was not sent: ${violations.join("; ")}`,
    retryable: false,
  };
}
