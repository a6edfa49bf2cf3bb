/**
 * Per-request services: config, logger, and database/Redis handles opened lazily (a health
 * probe or a 401 never opens a connection). The Pool is ended once the response is out.
 */
import type { AgentId } from "@maestro/protocol";
import type { Redis } from "@upstash/redis/cloudflare";
import { createMiddleware } from "hono/factory";
import { openDatabase, type Database, type DatabaseHandle } from "../db/client.ts";
import { getConfig, type Config, type Env } from "../env.ts";
import { openRedis } from "../kv/redis.ts";
import type { Logger } from "../log.ts";

export interface Services {
  readonly config: Config;
  readonly db: Database;
  readonly redis: Redis;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    log: Logger;
    services: Services;
    /** The agent whose token opened the tunnel (set by agent-tunnel.ts's guard, on that route only). */
    agentId?: AgentId;
  };
}

export const services = createMiddleware<AppEnv>(async (c, next) => {
  let database: DatabaseHandle | undefined;
  let redis: Redis | undefined;
  const config = getConfig(c.env);
  c.set("services", {
    config,
    get db() {
      database ??= openDatabase(config);
      return database.db;
    },
    get redis() {
      redis ??= openRedis(config);
      return redis;
    },
  });
  try {
    await next();
  } finally {
    if (database !== undefined) c.executionCtx.waitUntil(database.close().catch(() => undefined));
  }
});
