// Proves: the real @upstash/redis client, with its default base64 encoding, works unchanged
// against the Upstash-REST stand-in, over a real redis-server (when installed) and over the
// in-memory store, @upstash/ratelimit's Lua scripts included; and the stand-in refuses a wrong token.
import { createHash } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalRedisServer, startRedisServer } from "./redis-server.ts";
import { type LocalUpstash, startUpstashRest } from "./upstash-rest.ts";

// The real-Redis half runs wherever redis-server is installed (CI installs it); the in-memory
// half runs everywhere.
const redisServer: LocalRedisServer | null = await startRedisServer();
if (redisServer === null) console.warn("redis-server is not installed: testing the in-memory store only");
const backends: LocalUpstash[] = [];
const kinds = redisServer === null ? (["memory"] as const) : (["memory", "redis"] as const);

beforeAll(async () => {
  backends.push(await startUpstashRest({ token: "memory-token" }));
  if (redisServer !== null) backends.push(await startUpstashRest({ token: "redis-token", redisUrl: redisServer.url }));
});

afterAll(async () => {
  for (const backend of backends) await backend.close();
  await redisServer?.close();
});

function backendOf(kind: "memory" | "redis"): LocalUpstash {
  const backend = backends.find((candidate) => candidate.backend === kind);
  if (backend === undefined) throw new Error(`no ${kind} backend started`);
  return backend;
}

describe("Upstash-REST stand-in", () => {
  describe.each(kinds)("over %s", (kind) => {
    const redis = () => {
      const backend = backendOf(kind);
      return new Redis({ url: backend.url, token: backend.token, retry: false, enableTelemetry: false });
    };

    it("gets and sets ASCII, UTF-8 and JSON values", async () => {
      const client = redis();
      expect(await client.set("ascii", "plain")).toBe("OK");
      expect(await client.get("ascii")).toBe("plain");
      await client.set("utf8", "héllo ✓ 🎼");
      expect(await client.get("utf8")).toBe("héllo ✓ 🎼");
      await client.set("json", { presence: { total: 2 }, activity: "idle" });
      expect(await client.get("json")).toEqual({ presence: { total: 2 }, activity: "idle" });
      expect(await client.mget("ascii", "missing")).toEqual(["plain", null]);
    });

    it("counts, expires, hashes, sets and deletes", async () => {
      const client = redis();
      expect(await client.incr("counter")).toBe(1);
      expect(await client.incr("counter")).toBe(2);
      await client.set("short", "lived", { ex: 100 });
      expect(await client.ttl("short")).toBeGreaterThan(90);
      expect(await client.set("short", "again", { nx: true })).toBeNull();
      await client.hset("hash", { a: "1", b: "two" });
      expect(await client.hgetall("hash")).toEqual({ a: 1, b: "two" });
      await client.sadd("set", "x", "y");
      expect((await client.smembers("set")).sort()).toEqual(["x", "y"]);
      expect(await client.del("ascii", "utf8")).toBe(2);
      expect(await client.exists("ascii")).toBe(0);
    });

    it("runs a pipeline in order and a multi-exec transaction", async () => {
      const client = redis();
      const pipeline = client.pipeline();
      pipeline.set("p", "1");
      pipeline.incr("p");
      pipeline.get("p");
      expect(await pipeline.exec()).toEqual(["OK", 2, 2]);
      const transaction = client.multi();
      transaction.set("m", "a");
      transaction.append("m", "b");
      transaction.get("m");
      expect(await transaction.exec()).toEqual(["OK", 2, "ab"]);
    });

    it("surfaces Redis errors as UpstashError", async () => {
      const client = redis();
      await client.set("text", "abc");
      // ioredis-mock answers an unknown command with an error, as Redis does with this one.
      await expect(client.eval("return redis.call('NOPE')", [], [])).rejects.toThrow();
    });

    it("runs @upstash/ratelimit's scripts (EVALSHA, then EVAL on NOSCRIPT, shebang flags and all)", async () => {
      const client = redis();
      // The sliding window is the Worker's (worker/src/rate-limit); the token bucket does not run on
      // the in-memory store (redis-backend.ts, known gaps).
      for (const limiter of [Ratelimit.slidingWindow(2, "60 s"), Ratelimit.fixedWindow(2, "60 s")]) {
        const ratelimit = new Ratelimit({ redis: client, limiter, prefix: `rl-${crypto.randomUUID()}`, ephemeralCache: false, timeout: 0 });
        const verdicts = [];
        for (let request = 0; request < 3; request++) verdicts.push(await ratelimit.limit("client"));
        expect(verdicts.map((verdict) => verdict.success)).toEqual([true, true, false]);
        expect(verdicts.map((verdict) => verdict.remaining)).toEqual([1, 0, 0]);
        expect(verdicts[2]?.reset).toBeGreaterThan(Date.now());
        expect(await ratelimit.getRemaining("client")).toMatchObject({ remaining: 0 });
      }
      // A script loaded by EVAL answers EVALSHA of the hash of the text the client sent.
      const script = "#!lua flags=allow-key-locking\nreturn tonumber(ARGV[1]) + 1";
      expect(await client.eval(script, [], ["6"])).toBe(7);
      const sha = createHash("sha1").update(script).digest("hex");
      expect(await client.evalsha(sha, [], ["41"])).toBe(42);
      await expect(client.evalsha("0".repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);
    });

    it("refuses a wrong token", async () => {
      const backend = backendOf(kind);
      const intruder = new Redis({ url: backend.url, token: "wrong", retry: false, enableTelemetry: false });
      await expect(intruder.get("ascii")).rejects.toThrow(/Unauthorized/);
    });
  });

  it.runIf(redisServer !== null)("a real Redis refuses INCR of text, as production would", async () => {
    const backend = backendOf("redis");
    const client = new Redis({ url: backend.url, token: backend.token, retry: false, enableTelemetry: false });
    await client.set("word", "abc");
    await expect(client.incr("word")).rejects.toThrow(/not an integer/);
  });
});
