/**
 * Calling a provider with retries (DESIGN §2, issue 3 §6): a retryable error (408/409/429/5xx,
 * a dropped connection) before any output has reached a client is retried with exponential
 * backoff and jitter, honouring `retry-after`. Once output has been shown, an error is final:
 * retrying then would show the user a second, different beginning.
 */
import type { StreamEvent } from "@maestro/protocol";
import type { Provider, ProviderContext, ProviderRequest } from "../providers/provider.ts";
import { isOutput } from "./step-builder.ts";

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

export type AttemptEvent =
  | { readonly kind: "event"; readonly event: StreamEvent }
  | { readonly kind: "retry"; readonly attempt: number; readonly delayMs: number; readonly error: Extract<StreamEvent, { type: "error" }> };

/** Sleep that wakes early (and quietly) when the turn is cancelled. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

export function backoffMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  const exponential = policy.baseDelayMs * 2 ** (attempt - 1);
  // Full jitter, so concurrent sessions that failed together do not retry together.
  return Math.min(policy.maxDelayMs, Math.round(exponential / 2 + random() * (exponential / 2)));
}

/**
 * The provider's events, with early retryable failures retried. `context` is made afresh for each
 * attempt so every attempt's exchange is its own (the last one is what gets recorded).
 */
export async function* streamWithRetries(
  provider: Provider,
  request: ProviderRequest,
  makeContext: () => Promise<ProviderContext>,
  policy: RetryPolicy,
  signal: AbortSignal,
): AsyncGenerator<AttemptEvent> {
  for (let attempt = 1; ; attempt += 1) {
    let shown = false;
    let failure: Extract<StreamEvent, { type: "error" }> | undefined;
    for await (const event of provider.stream(request, await makeContext())) {
      if (event.type === "error" && event.retryable && !shown && attempt < policy.maxAttempts) {
        failure = event;
        break;
      }
      if (isOutput(event)) shown = true;
      yield { kind: "event", event };
    }
    if (failure === undefined || signal.aborted) return;
    const delayMs = backoffMs(policy, attempt, failure.retry_after_ms);
    yield { kind: "retry", attempt, delayMs, error: failure };
    await sleep(delayMs, signal);
    if (signal.aborted) return;
  }
}
