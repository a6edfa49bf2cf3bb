/**
 * The database connection: Neon's serverless Pool under drizzle, in production and locally alike
 * (DESIGN §5). Locally a loopback DATABASE_URL is reached through the WebSocket-to-TCP proxy in
 * worker/local; with a Neon URL none of the local settings apply.
 *
 * A Pool must not outlive its request in a stateless Worker: routes get one per request and end
 * it afterwards; a Durable Object keeps one for its lifetime.
 */
import { Pool, neonConfig } from "@neondatabase/serverless";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import * as schema from "./schema.ts";

/** With its pool (`$client`): a statement drizzle need not build is sent to it as text and values. */
export type Database = NeonDatabase<typeof schema> & { readonly $client: Pool };

export interface DatabaseHandle {
  readonly db: Database;
  close(): Promise<void>;
}

function useLocalProxy(proxy: string): void {
  // neonConfig is process-wide; every Pool in this isolate talks to the same local proxy.
  neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}

/** What a connection needs of the Worker's configuration (env.ts Config). */
export interface DatabaseConfig {
  readonly databaseUrl: string;
  /** Only locally: the WebSocket-to-TCP proxy in front of PGlite. */
  readonly localWsProxy: string | undefined;
}

/** How the schema's keys (`sessionId`) become column names (`session_id`). */
export const COLUMN_CASING = "snake_case";

/**
 * `maxConnections`: each is a WebSocket with its buffers in workerd and a client in the isolate
 * (~80–95 KB of workerd memory each, bench/README.md "Memory"); an object that runs one turn at
 * a time needs fewer than a Worker serving many requests.
 */
export function openDatabase(config: DatabaseConfig, maxConnections = 5): DatabaseHandle {
  if (config.localWsProxy !== undefined) useLocalProxy(config.localWsProxy);
  // Idle connections close quickly so a Durable Object can hibernate between turns.
  const pool = new Pool({ connectionString: config.databaseUrl, max: maxConnections, idleTimeoutMillis: 10_000 });
  // An idle connection that drops (the object was evicted, the server restarted) is not an
  // error anyone is waiting on; the pool replaces it on the next query.
  pool.on("error", () => undefined);
  return {
    db: drizzle({ client: pool, schema, casing: COLUMN_CASING }),
    close: () => pool.end(),
  };
}
