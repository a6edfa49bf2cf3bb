/**
 * Counting requests in Redis with @upstash/ratelimit (a sliding window, so a burst at a window's
 * edge cannot double the limit). Redis being down or slow must not lock the user out: the count
 * then fails open with a warning, and the request goes on.
 */
import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis/cloudflare";
import type { Logger } from "../log.ts";
import type { RatePolicy } from "./policy.ts";

export interface Verdict {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** When the window that refused (or would refuse) ends, epoch ms. */
  readonly resetAt: number;
}

// Redis answers in about a millisecond; past this, the request is let through uncounted.
const REDIS_TIMEOUT_MS = 1000;
const MAX_REMEMBERED = 10_000;
/**
 * How long a request counted later waits to be counted, with the others that came meanwhile. A
 * stream's first tokens follow its answer by a millisecond when the model is quick: counting at
 * once put the limiter's work (a Lua script's request built and sent) between the two.
 */
export const COUNT_LATER_MS = 100;

export class Limiter {
  // Refusals already seen in this isolate, until their window ends: a refused client is turned
  // away without a Redis round trip, and a request counted without waiting (countLater) is
  // refused on the next one.
  private readonly refused = new Map<string, Verdict>();

  /** Requests waiting to be counted (countLater), by key. */
  private readonly tallies = new Map<string, { count: number }>();

  readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  /** A refusal this isolate already knows of, if its window has not ended. */
  knownRefusal(key: string): Verdict | undefined {
    const verdict = this.refused.get(key);
    if (verdict === undefined) return undefined;
    if (verdict.resetAt > Date.now()) return verdict;
    this.refused.delete(key);
    return undefined;
  }

  private remember(key: string, verdict: Verdict): void {
    this.refused.delete(key);
    this.refused.set(key, verdict);
    // Bounded, so many refused addresses cannot grow the isolate: the oldest refusal goes first
    // (Redis still holds its count: a forgotten client is refused again on its next counted request).
    if (this.refused.size > MAX_REMEMBERED) this.refused.delete(this.refused.keys().next().value ?? key);
  }

  /**
   * Counts one request for `key` COUNT_LATER_MS from now, together with the others counted
   * meanwhile (one Redis call for a burst); a budget that runs out is refused from then on. The
   * first request of a batch gets the counting's promise (for its waitUntil): the rest join it.
   */
  countLater(redis: Redis, policy: RatePolicy, key: string, log: Logger): Promise<void> | undefined {
    const waiting = this.tallies.get(key);
    if (waiting !== undefined) {
      waiting.count += 1;
      return undefined;
    }
    const tally = { count: 1 };
    this.tallies.set(key, tally);
    return new Promise((resolve) => setTimeout(resolve, COUNT_LATER_MS)).then(async () => {
      this.tallies.delete(key);
      await this.take(redis, policy, key, log, tally.count);
    });
  }

  /** Count `count` requests for `key` and wait for the verdict; undefined when Redis could not say. */
  async take(redis: Redis, policy: RatePolicy, key: string, log: Logger, count = 1): Promise<Verdict | undefined> {
    const ratelimit = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(policy.requests, `${policy.windowSeconds} s`),
      prefix: `maestro:ratelimit:${this.name}`,
      // Our own `refused` map does this, and also serves countLater.
      ephemeralCache: false,
      analytics: false,
      timeout: REDIS_TIMEOUT_MS,
    });
    try {
      const result = await ratelimit.limit(key, count === 1 ? undefined : { rate: count });
      if (result.reason === "timeout") {
        log.warn("rate_limit.unavailable", { limit: this.name, reason: "Redis did not answer in time; let through" });
        return undefined;
      }
      const verdict: Verdict = { allowed: result.success, limit: result.limit, remaining: result.remaining, resetAt: result.reset };
      if (!verdict.allowed) this.remember(key, verdict);
      return verdict;
    } catch (error) {
      log.warn("rate_limit.unavailable", { limit: this.name, reason: reasonOf(error) });
      return undefined;
    }
  }
}

/**
 * Why Redis could not count, for the log: the error's message without the command Upstash appends
 * (`…, command was: [...]`, which holds the Lua script and the client's address). Never the token:
 * Upstash errors do not carry it.
 */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split(", command was:")[0] ?? message;
}

/** Whole seconds until `resetAt`, at least 1 (a `retry-after: 0` invites an immediate retry). */
export function secondsUntil(resetAt: number, now: number): number {
  return Math.max(1, Math.ceil((resetAt - now) / 1000));
}
