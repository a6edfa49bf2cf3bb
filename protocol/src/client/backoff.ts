/**
 * How long a client waits before dialling again: full jitter, a random point below a ceiling
 * that doubles with each failed attempt up to `maxMs`, so many clients cut off by one deploy do
 * not all dial back at the same instant. Shared by the socket clients and the local agent.
 */
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** `random` is the jitter's source in [0, 1); tests pass their own to read exact delays. */
export function retryDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempt));
}
