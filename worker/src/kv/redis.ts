/**
 * The Redis client: Upstash over REST (DESIGN §3), locally the Upstash-compatible stand-in in
 * worker/local. Redis holds only what may be lost: presence, locks, caches.
 */
import { Redis } from "@upstash/redis/cloudflare";
import type { Config } from "../env.ts";

export function openRedis(config: Config): Redis {
  return new Redis({
    url: config.redisUrl,
    token: config.redisToken,
    enableTelemetry: false,
    // Auto-pipelining builds a Pipeline object per batch (~70 KB of per-instance closures): at
    // two writes a turn, a quarter of all a turn allocated, for batches of one command. The few
    // places that send several commands at once use a pipeline of their own.
    enableAutoPipelining: false,
    // Ephemeral state only: a short retry, then callers degrade instead of waiting.
    retry: { retries: 1, backoff: () => 50 },
  });
}
