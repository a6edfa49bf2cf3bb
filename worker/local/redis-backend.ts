/**
 * What the Upstash-REST stand-in runs commands on: a real Redis through ioredis (REDIS_URL or a
 * local redis-server), or an in-memory store from ioredis-mock. Both answer in real Redis reply
 * shapes (ioredis-mock's object replies are flattened back into arrays).
 *
 * Known gaps of the in-memory store (ioredis-mock 8.13): INCR on a non-integer yields NaN instead
 * of an error, commands it does not implement fail with "unknown command", and inside Lua a
 * missing hash field is nil rather than false (so @upstash/ratelimit's token bucket fails; its
 * sliding and fixed windows, which the Worker uses, run). Use a real Redis
 * (REDIS_URL, or install redis-server) when that matters.
 */
import { randomUUID } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import * as ioredis from "ioredis";
import type RedisMockConstructor from "ioredis-mock";
import { scriptRewriter } from "./lua-scripts.ts";

// Node's own resolution, on purpose: when Vite evaluates this file (a vitest globalSetup under
// the Workers plugin) it follows package.json "browser" fields, and ioredis-mock's browser
// build needs `window`.
const RedisMock = createRequire(import.meta.url)("ioredis-mock") as typeof RedisMockConstructor;

export type Reply = string | number | null | Reply[];
export type ItemResult = { readonly result: Reply } | { readonly error: string };

export interface RedisBackend {
  readonly kind: "redis" | "memory";
  run(command: readonly string[]): Promise<Reply>;
  /** MULTI/EXEC: all or nothing, one result per command. */
  transaction(commands: readonly (readonly string[])[]): Promise<ItemResult[]>;
  close(): Promise<void>;
}

/** Turn a client library's reply back into Redis's wire shape. */
export function toReply(value: unknown): Reply {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  if (Array.isArray(value)) return value.map(toReply);
  if (typeof value === "object") return Object.entries(value).flatMap(([key, item]) => [key, toReply(item)]);
  if (typeof value === "boolean" || typeof value === "bigint") return Number(value);
  throw new Error(`unexpected reply of type ${typeof value}`);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function realRedis(url: string): RedisBackend {
  const RedisClass = ioredis.Redis ?? (ioredis as unknown as { default: typeof ioredis.Redis }).default;
  const client = new RedisClass(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  return {
    kind: "redis",
    run: async ([name, ...args]) => toReply(await client.call(name ?? "", ...args)),
    transaction: async (commands) => {
      const multi = client.multi();
      for (const [name, ...args] of commands) multi.call(name ?? "", ...args);
      const results = (await multi.exec()) ?? [];
      return results.map(([error, value]) => (error ? { error: message(error) } : { result: toReply(value) }));
    },
    close: async () => {
      await client.quit();
    },
  };
}

type MockMethod = (...args: string[]) => Promise<unknown>;

/**
 * Redis reads option keywords case-insensitively and @upstash/redis sends them in lower case
 * (`set k v ex 60`); ioredis-mock only knows upper case. For these commands every argument from
 * the given index on is an option or an option's value, so upper-casing keywords is safe.
 */
const OPTIONS_FROM: Record<string, number> = { set: 2, getex: 1, expire: 2, pexpire: 2 };
const KEYWORDS = new Set(["NX", "XX", "GT", "LT", "GET", "EX", "PX", "EXAT", "PXAT", "KEEPTTL", "PERSIST"]);

function normaliseOptions(name: string, args: readonly string[]): string[] {
  const from = OPTIONS_FROM[name.toLowerCase()];
  if (from === undefined) return [...args];
  return args.map((arg, index) => (index >= from && KEYWORDS.has(arg.toUpperCase()) ? arg.toUpperCase() : arg));
}

/** A string key as it is kept between runs: its value and when it expires (epoch ms), if it does. */
interface SavedKey {
  readonly value: string;
  readonly expiresAt: number | null;
}

/**
 * The in-memory store's string keys, written on close and read back on open, so `npm run dev`
 * restarted keeps what the Worker keeps in Redis (a browser's web session, above all: without it
 * every restart signs the browser out). Only strings are kept: the one other type, the sorted
 * set of warm sessions (session/warm-sessions.ts), means nothing after a restart, whose objects
 * start cold anyway.
 */
async function loadSnapshot(client: InstanceType<typeof RedisMock>, path: string): Promise<void> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) return;
  let saved: Record<string, SavedKey>;
  try {
    saved = JSON.parse(text) as Record<string, SavedKey>;
  } catch {
    return; // A torn write from a killed run: start empty rather than not at all.
  }
  const now = Date.now();
  for (const [key, { value, expiresAt }] of Object.entries(saved)) {
    if (expiresAt === null) await client.set(key, value);
    else if (expiresAt > now) await client.set(key, value, "PX", expiresAt - now);
  }
}

async function saveSnapshot(client: InstanceType<typeof RedisMock>, path: string): Promise<void> {
  const saved: Record<string, SavedKey> = {};
  const now = Date.now();
  for (const key of await client.keys("*")) {
    if ((await client.type(key)) !== "string") continue;
    const [value, ttl] = await Promise.all([client.get(key), client.pttl(key)]);
    if (value === null || ttl === -2) continue;
    saved[key] = { value, expiresAt: ttl < 0 ? null : now + ttl };
  }
  await writeFile(`${path}.tmp`, JSON.stringify(saved), { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

function memoryRedis(snapshotPath: string | undefined): RedisBackend {
  // ioredis-mock shares one data set between instances of the same host:port: each store gets its
  // own, so two stacks in one process (or a restart in a test) do not see each other's keys.
  const client = new RedisMock({ host: `memory-${randomUUID()}` });
  const loaded = snapshotPath === undefined ? Promise.resolve() : loadSnapshot(client, snapshotPath);
  const method = (target: object, name: string): MockMethod => {
    const found = (target as Record<string, unknown>)[name.toLowerCase()];
    if (typeof found !== "function") throw new Error(`ERR unknown command '${name}'`);
    return (found as MockMethod).bind(target);
  };
  return {
    kind: "memory",
    run: async ([name = "", ...args]) => {
      await loaded;
      return toReply(await method(client, name)(...normaliseOptions(name, args)));
    },
    transaction: async (commands) => {
      await loaded;
      const multi = client.multi();
      for (const [name = "", ...args] of commands) void method(multi, name)(...normaliseOptions(name, args));
      const results = ((await multi.exec()) ?? []) as [Error | null, unknown][];
      return results.map(([error, value]) => (error ? { error: message(error) } : { result: toReply(value) }));
    },
    close: async () => {
      await loaded;
      if (snapshotPath !== undefined) await saveSnapshot(client, snapshotPath);
      client.disconnect();
    },
  };
}

/** Every command through `rewrite` first (lua-scripts.ts: what Upstash accepts and these backends do not). */
function rewritten(backend: RedisBackend): RedisBackend {
  const rewrite = scriptRewriter();
  return {
    kind: backend.kind,
    run: (command) => backend.run(rewrite(command)),
    transaction: (commands) => backend.transaction(commands.map(rewrite)),
    close: () => backend.close(),
  };
}

/** A real Redis at `redisUrl`, or the in-memory store (kept in `snapshotPath` between runs, if given). */
export function openRedisBackend(redisUrl: string | undefined, snapshotPath?: string): RedisBackend {
  return rewritten(redisUrl === undefined ? memoryRedis(snapshotPath) : realRedis(redisUrl));
}
