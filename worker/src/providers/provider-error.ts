/**
 * Upstream failures as stream `error` events (STYLE §2.2 "Errors"). Retryable means 408, 409,
 * 429 and 5xx (vercel/ai APICallError); `retry-after` is honoured. The upstream body is for the
 * log only: the public message names the status and the provider's error type, nothing more.
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

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function codeOf(status: number): ErrorCode {
  if (status === 401 || status === 403) return "PROVIDER_AUTH";
  if (status === 429) return "PROVIDER_RATE_LIMITED";
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

/** A short machine word from the upstream error body (`overloaded_error`, `rate_limit_exceeded`), if any. */
export function upstreamErrorType(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  const candidates = [
    typeof error === "object" && error !== null ? (error as { type?: unknown; code?: unknown; status?: unknown }).type : undefined,
    typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined,
    typeof error === "object" && error !== null ? (error as { status?: unknown }).status : undefined,
    (body as { type?: unknown }).type,
  ];
  const word = candidates.find(
    (candidate): candidate is string => typeof candidate === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(candidate),
  );
  return word;
}

export function httpErrorEvent(provider: ProviderId, status: number, headers: Headers, body: unknown): ErrorEvent {
  const type = upstreamErrorType(body);
  const wait = retryAfterMs(headers);
  return {
    type: "error",
    code: codeOf(status),
    message: `${PROVIDER_NAMES[provider]} answered HTTP ${status}${type === undefined ? "" : ` (${type})`}.`,
    retryable: isRetryableStatus(status),
    ...(wait !== undefined && { retry_after_ms: wait }),
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

/** An error the provider reported inside an otherwise healthy stream (Anthropic `overloaded_error`). */
export function streamErrorEvent(provider: ProviderId, body: unknown): ErrorEvent {
  const type = upstreamErrorType(body);
  const overloaded = type !== undefined && /overload|unavailable|rate/i.test(type);
  return {
    type: "error",
    code: overloaded ? "PROVIDER_UNAVAILABLE" : "PROVIDER_ERROR",
    message: `${PROVIDER_NAMES[provider]} reported an error mid-stream${type === undefined ? "" : ` (${type})`}.`,
    retryable: overloaded,
  };
}
