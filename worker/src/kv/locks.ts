/**
 * A short Redis lock (DESIGN §3: one token refresh at a time across every isolate). SET NX PX
 * with a random owner token; released only by its owner (compare-and-delete in one script), and
 * expiring by itself if the owner dies, so a crash cannot wedge a credential.
 */
import type { Redis } from "@upstash/redis/cloudflare";

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export interface HeldLock {
  release(): Promise<void>;
}

/** The lock if it was free; undefined if someone else holds it. */
export async function tryLock(redis: Redis, key: string, ttlMs: number): Promise<HeldLock | undefined> {
  const owner = crypto.randomUUID();
  const taken = await redis.set(key, owner, { nx: true, px: ttlMs });
  if (taken !== "OK") return undefined;
  return {
    release: async () => {
      await redis.eval(RELEASE, [key], [owner]);
    },
  };
}
