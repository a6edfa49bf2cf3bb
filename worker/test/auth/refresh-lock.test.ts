// Proves: the Redis lock alone (without this isolate's shared promise, as separate isolates would
// be) lets exactly one of ten concurrent refreshes reach the sign-in server; the others wait and
// find the credential already fresh. And the lock is released only by its owner.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { refreshWithLock } from "../../src/auth/refresh.ts";
import { getConfig } from "../../src/env.ts";
import { tryLock } from "../../src/kv/locks.ts";
import { openRedis } from "../../src/kv/redis.ts";
import { withDb } from "../helpers/db.ts";
import { loginCodex, refreshCount, setMode, testRefreshDeps } from "../helpers/oauth-sim.ts";

describe("one refresh per credential across isolates", () => {
  it("lets one of ten concurrent refreshes through; the rest reuse its result", async () => {
    const credential = await loginCodex("acct-lock-6006", { expiresIn: 60 });
    const before = await refreshCount();
    await setMode({ delayMs: 400 });
    const outcomes = await withDb((db) => {
      const deps = testRefreshDeps(db, "refresh-lock");
      return Promise.all(Array.from({ length: 10 }, () => refreshWithLock(deps, credential.id, 5 * 60 * 1000)));
    });
    await setMode({});
    expect((await refreshCount()) - before).toBe(1);
    expect(outcomes.filter((outcome) => outcome.status === "refreshed")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === "fresh")).toHaveLength(9);
  });

  it("is exclusive, released only by its owner, and free again afterwards", async () => {
    const redis = openRedis(getConfig(env));
    const key = `lock:test:${crypto.randomUUID()}`;
    const first = await tryLock(redis, key, 10_000);
    expect(first).toBeDefined();
    expect(await tryLock(redis, key, 10_000)).toBeUndefined();
    await redis.set(key, "someone-else");
    await first?.release();
    expect(await redis.get(key)).toBe("someone-else");
    await redis.del(key);
    const again = await tryLock(redis, key, 10_000);
    expect(again).toBeDefined();
    await again?.release();
    expect(await redis.get(key)).toBeNull();
  });
});
