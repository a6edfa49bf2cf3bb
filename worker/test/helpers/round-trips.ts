// Watches one session's object, in order: every Postgres query it starts, every local agent it
// asks, every write to its own storage (which holds its outgoing messages until committed: the
// output gate), and every request it sends to the model (the simulator). The Worker, its Durable Objects
// and the tests share one isolate, so the object's own db() and bindings can be wrapped in place,
// and the global fetch it binds when a turn is wired.
import { env, runInDurableObject } from "cloudflare:test";
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../../src/db/client.ts";
import type { Env } from "../../src/env.ts";

/** The drizzle entry points that start a query (building one without running it is not a round trip, but no caller does). */
const QUERIES = new Set([
  "select",
  "selectDistinct",
  "selectDistinctOn",
  "insert",
  "update",
  "delete",
  "execute",
  "transaction",
  "query",
  "batch",
  "$count",
  "with",
]);

interface Watched {
  db(): Database;
  redis(): Redis;
  env: Env;
  ctx: DurableObjectState;
}

/** SQL that writes: the event log's counters and trimming (its frames are logged apart, below). */
const SQL_WRITE = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i;
/** The event log's write of numbered frames (session/event-log.ts): logged with the frames' types. */
const FRAMES_WRITE = /^\s*INSERT INTO frames\b/i;

/** The type of every frame among an event-log INSERT's bindings (seq, wire text, seq, wire text…). */
function frameTypes(bindings: unknown[]): string[] {
  return bindings.flatMap((value) => (typeof value === "string" ? [(JSON.parse(value) as { type: string }).type] : []));
}

export interface RoundTrips {
  /**
   * "db.<entry>" ("db.query" for a statement sent to the pool as text), "agent.<method>",
   * "storage.<write>" ("storage.frames <type,…>" for the event log, "storage.put <key prefix>"
   * and "storage.delete <key prefix>" for the key-value store),
   * with `recordRedis` "redis.<command>", and "model <path>", in the order they started.
   */
  readonly log: string[];
  /** What the object did before its first model request (everything, if it sent none). */
  beforeModel(): string[];
  stop(): Promise<void>;
}

export async function watchRoundTrips(
  sessionId: string,
  simulatorUrl: string,
  options: { failingRedis?: boolean; recordRedis?: boolean } = {},
): Promise<RoundTrips> {
  const log: string[] = [];
  const stub = env.SESSION.get(env.SESSION.idFromName(sessionId));
  const globalFetch = globalThis.fetch;
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(simulatorUrl)) log.push(`model ${new URL(url).pathname}`);
    return globalFetch.call(globalThis, input, init);
  };
  const undo = await runInDurableObject(stub, (instance) => {
    const watched = instance as unknown as Watched;
    const own = { db: Object.hasOwn(watched, "db"), redis: Object.hasOwn(watched, "redis") };
    const [db, bindings] = [watched.db.bind(watched), watched.env];
    watched.db = () => recordingDatabase(db(), log);
    if (options.failingRedis === true) watched.redis = () => refusing<Redis>();
    else if (options.recordRedis === true) {
      const redis = watched.redis.bind(watched);
      watched.redis = () => recording(redis(), (name) => log.push(`redis.${name}`));
    }
    const agents = bindings.AGENT;
    const wrappedAgents = new Proxy(agents, {
      get: (target, name: string) => {
        if (name === "get") return (id: DurableObjectId) => recording(target.get(id), (method) => log.push(`agent.${method}`));
        const value: unknown = Reflect.get(target, name, target);
        return typeof value === "function" ? (value as () => unknown).bind(target) : value;
      },
    });
    watched.env = { ...bindings, AGENT: wrappedAgents };
    const { sql, kv } = watched.ctx.storage;
    const storage = watched.ctx.storage;
    const [exec, put, del, setAlarm] = [sql.exec, kv.put, kv.delete, storage.setAlarm];
    sql.exec = ((query: string, ...bindings: unknown[]) => {
      if (FRAMES_WRITE.test(query)) log.push(`storage.frames ${frameTypes(bindings).join(",")}`);
      else if (SQL_WRITE.test(query)) log.push(`storage.sql ${query.trim().split(/\s+/)[0]!.toUpperCase()}`);
      return exec.call(sql, query, ...bindings);
    }) as typeof exec;
    kv.put = (key: string, value: unknown) => {
      log.push(`storage.put ${key.split(":")[0]}`);
      return put.call(kv, key, value);
    };
    kv.delete = (key: string) => {
      log.push(`storage.delete ${key.split(":")[0]}`);
      return del.call(kv, key);
    };
    storage.setAlarm = (...args: Parameters<typeof setAlarm>) => {
      log.push("storage.setAlarm");
      return setAlarm.apply(storage, args);
    };
    return () => {
      if (!own.db) delete (watched as Partial<Watched>).db;
      if (!own.redis) delete (watched as Partial<Watched>).redis;
      watched.env = bindings;
      Object.assign(sql, { exec });
      Object.assign(kv, { put, delete: del });
      Object.assign(storage, { setAlarm });
    };
  });
  return {
    log,
    beforeModel: () => {
      const first = log.findIndex((entry) => entry.startsWith("model "));
      return first === -1 ? [...log] : log.slice(0, first);
    },
    stop: async () => {
      globalThis.fetch = globalFetch;
      await runInDurableObject(stub, () => undo());
    },
  };
}

/**
 * The object's database, noting every query it starts: a drizzle query as "db.<method>", a
 * statement sent to its pool as text and values (writeMessageOnce) as "db.query".
 */
function recordingDatabase(database: Database, log: string[]): Database {
  const recorded = recording(database, (name) => QUERIES.has(name) && log.push(`db.${name}`));
  return new Proxy(recorded, {
    get: (target, name, receiver): unknown =>
      name === "$client"
        ? recording(database.$client, (method) => method === "query" && log.push("db.query"))
        : Reflect.get(target, name, receiver),
  });
}

/** `target`, noting the name of every property read that is a function. */
function recording<T extends object>(target: T, note: (name: string) => unknown): T {
  return new Proxy(target, {
    get(object, name, receiver) {
      const value: unknown = Reflect.get(object, name, receiver);
      if (typeof name !== "string" || name === "then" || typeof value !== "function") return value;
      note(name);
      // Called on the object itself (an RPC stub has no bind).
      return (...args: unknown[]) => (object as Record<string, (...args: unknown[]) => unknown>)[name]!(...args);
    },
  });
}

/** A Redis whose every command fails, as an unreachable one does: a pipeline is built, and fails when sent. */
function refusing<T extends object>(): T {
  const down = () => Promise.reject(new Error("redis is down (test)"));
  const pipeline: object = new Proxy({}, { get: (_target, name) => (name === "exec" ? down : () => pipeline) });
  return new Proxy({} as T, { get: (_target, name) => (name === "pipeline" ? () => pipeline : down) });
}
