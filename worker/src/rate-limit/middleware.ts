/**
 * The rate-limit middleware: which requests a limit counts, under which key, and the 429 it
 * answers with (`{error:{code:"RATE_LIMITED"}}`, `retry-after` in whole seconds, and the
 * `ratelimit-*` headers). Requests on the answer's path (see `countLater`) are counted a moment
 * after they have been answered, so a limit adds neither a Redis round trip nor its work before a
 * token.
 */
import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { Config } from "../env.ts";
import { AppError, toErrorBody } from "../errors.ts";
import type { AppEnv } from "../middleware/services.ts";
import { Limiter, secondsUntil, type Verdict } from "./limiter.ts";
import type { RatePolicy } from "./policy.ts";

export interface RateLimitRule {
  /** Names the Redis keys and the log lines: `sign_in`, `api`. */
  readonly name: string;
  readonly policy: (config: Config) => RatePolicy | undefined;
  /** Who is counted: a client address, a principal. */
  readonly key: (c: Context<AppEnv>) => string;
  /** What a refused client is told; the wait is appended. */
  readonly message: string;
  /** Count this request once it has been answered instead of before (the streaming and socket routes). */
  readonly countLater?: (c: Context<AppEnv>) => boolean;
}

function limitHeaders(verdict: Verdict, now: number): Record<string, string> {
  return {
    "ratelimit-limit": String(verdict.limit),
    "ratelimit-remaining": String(Math.max(0, verdict.remaining)),
    "ratelimit-reset": String(secondsUntil(verdict.resetAt, now)),
  };
}

function refuse(c: Context<AppEnv>, rule: RateLimitRule, verdict: Verdict): Response {
  const now = Date.now();
  const wait = secondsUntil(verdict.resetAt, now);
  c.var.log.info("http.refused", { code: "RATE_LIMITED", limit: rule.name, retry_after_s: wait });
  const error = new AppError("RATE_LIMITED", `${rule.message} Try again in ${wait} s.`);
  return c.json(toErrorBody(error), 429, { ...limitHeaders(verdict, now), "retry-after": String(wait) });
}

export interface RateLimit {
  /** Counts every request it sees. */
  readonly everyRequest: MiddlewareHandler<AppEnv>;
  /**
   * Runs `guard` (a credential check) and counts only the requests it refuses as UNAUTHORIZED for
   * which `presented` is true: a wrong token is a guess, a missing one is not. A client already
   * refused is turned away before its credential is checked.
   */
  failuresOf(guard: MiddlewareHandler<AppEnv>, presented: (c: Context<AppEnv>) => boolean): MiddlewareHandler<AppEnv>;
}

export function createRateLimit(rule: RateLimitRule): RateLimit {
  const limiter = new Limiter(rule.name);

  const everyRequest = createMiddleware<AppEnv>(async (c, next) => {
    const { config, redis } = c.var.services;
    const policy = rule.policy(config);
    if (policy === undefined) return next();
    const key = rule.key(c);
    const known = limiter.knownRefusal(key);
    if (known !== undefined) return refuse(c, rule, known);
    if (rule.countLater?.(c) === true) {
      // Counted a moment after the route has answered (a stream's headers, a socket's 101), with
      // the others of that moment: on a shared thread, building and sending the Redis request
      // before the session's object is called, or as its first tokens come, would sit between
      // the request and them.
      try {
        await next();
      } finally {
        const counting = limiter.countLater(redis, policy, key, c.var.log);
        if (counting !== undefined) c.executionCtx.waitUntil(counting);
      }
      return;
    }
    const verdict = await limiter.take(redis, policy, key, c.var.log);
    if (verdict === undefined) return next();
    if (!verdict.allowed) return refuse(c, rule, verdict);
    for (const [name, value] of Object.entries(limitHeaders(verdict, Date.now()))) c.header(name, value);
    return next();
  });

  const failuresOf: RateLimit["failuresOf"] = (guard, presented) =>
    createMiddleware<AppEnv>(async (c, next) => {
      const { config, redis } = c.var.services;
      const policy = rule.policy(config);
      if (policy === undefined) return guard(c, next);
      const key = rule.key(c);
      // Only requests that offer a token are refused up front: a browser already signed in (its
      // cookie) keeps working from an address someone else there is guessing from.
      const known = presented(c) ? limiter.knownRefusal(key) : undefined;
      if (known !== undefined) return refuse(c, rule, known);
      let passed = false;
      let answer: Response | void;
      try {
        answer = await guard(c, async () => {
          passed = true;
        });
      } catch (error) {
        if (!(error instanceof AppError && error.code === "UNAUTHORIZED" && presented(c))) throw error;
        const verdict = await limiter.take(redis, policy, key, c.var.log);
        if (verdict !== undefined && !verdict.allowed) return refuse(c, rule, verdict);
        throw error;
      }
      // The guard answered by itself (it does not today): keep its answer.
      if (!passed) return answer;
      return next();
    });

  return { everyRequest, failuresOf };
}
