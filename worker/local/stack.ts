/**
 * The whole local stand-in stack, started and stopped as one: Postgres (the embedded PGlite, or
 * a real server from DATABASE_URL), the Neon WebSocket proxy in front of it, migrations, and the
 * Upstash-REST endpoint (over REDIS_URL, a local redis-server, or the in-memory store).
 * `npm run dev` and the worker's test run both use this.
 */
import { applyMigrations, describeDatabase } from "./migrate.ts";
import { startLocalPostgres, type LocalPostgres } from "./postgres.ts";
import { startReaper } from "./reaper.ts";
import { startRedisServer, type LocalRedisServer } from "./redis-server.ts";
import { startUpstashRest } from "./upstash-rest.ts";
import { startWsProxy } from "./ws-proxy.ts";

export interface StackOptions {
  /** A real Postgres to use instead of the embedded one. */
  readonly databaseUrl?: string | undefined;
  /** Folder the embedded Postgres persists to; in memory when absent. */
  readonly dataDir?: string | undefined;
  /** A real Redis to use; otherwise a local redis-server if `startRedis`, else in memory. */
  readonly redisUrl?: string | undefined;
  readonly startRedis?: boolean;
  /** Where the in-memory store is kept between runs; in memory only when absent. */
  readonly redisSnapshot?: string | undefined;
  readonly upstashToken: string;
  readonly ports?: { readonly postgres?: number; readonly wsProxy?: number; readonly upstash?: number };
}

export interface StackAddresses {
  readonly databaseUrl: string;
  readonly database: string;
  readonly wsProxyPort: number;
  readonly upstashUrl: string;
  readonly upstashToken: string;
  readonly redisBackend: string;
}

export interface LocalStack extends StackAddresses {
  close(): Promise<void>;
}

export async function startLocalStack(options: StackOptions): Promise<LocalStack> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne().catch(() => undefined);
  };
  try {
    let postgres: LocalPostgres | undefined;
    if (options.databaseUrl === undefined) {
      postgres = await startLocalPostgres({ dataDir: options.dataDir, port: options.ports?.postgres });
      closers.push(() => postgres?.close() ?? Promise.resolve());
    }
    const databaseUrl = options.databaseUrl ?? postgres?.databaseUrl ?? "";
    const proxy = await startWsProxy({ port: options.ports?.wsProxy });
    closers.push(() => proxy.close());
    await applyMigrations({ databaseUrl, proxyPort: proxy.port });

    let redisServer: LocalRedisServer | null = null;
    if (options.redisUrl === undefined && options.startRedis === true) {
      // redis-server runs in a process group of its own: if this process is killed outright, the
      // reaper takes it (the exit hook in child-process.ts covers every other way out).
      startReaper();
      redisServer = await startRedisServer();
      if (redisServer !== null) closers.push(() => redisServer?.close() ?? Promise.resolve());
    }
    const upstash = await startUpstashRest({
      token: options.upstashToken,
      redisUrl: options.redisUrl ?? redisServer?.url,
      memorySnapshot: options.redisSnapshot,
      port: options.ports?.upstash,
    });
    closers.push(() => upstash.close());
    return {
      databaseUrl,
      database: postgres === undefined ? describeDatabase(databaseUrl) : "embedded PGlite",
      wsProxyPort: proxy.port,
      upstashUrl: upstash.url,
      upstashToken: upstash.token,
      redisBackend: options.redisUrl !== undefined ? "redis (REDIS_URL)" : redisServer !== null ? "redis-server" : "in-memory",
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
