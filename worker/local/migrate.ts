/**
 * Applies migrations/ with drizzle's migrator through Neon's driver: against the local PGlite
 * (through the proxy) in dev and tests, against Neon itself on deploy. As a command:
 *   DATABASE_URL=postgres://… npx tsx worker/local/migrate.ts
 * It prints where it migrated (host and database), never the URL: that holds the password.
 */
import { fileURLToPath } from "node:url";
import { Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { migrate } from "drizzle-orm/neon-serverless/migrator";
import { configureNeonForNode } from "./neon-node.ts";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../migrations", import.meta.url));

export async function applyMigrations(options: { databaseUrl: string; proxyPort?: number; migrationsFolder?: string }): Promise<void> {
  configureNeonForNode(options.proxyPort);
  const pool = new Pool({ connectionString: options.databaseUrl, max: 1 });
  try {
    await migrate(drizzle({ client: pool }), { migrationsFolder: options.migrationsFolder ?? MIGRATIONS_FOLDER });
  } finally {
    await pool.end();
  }
}

export function describeDatabase(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}${url.port ? `:${url.port}` : ""}${url.pathname}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl === undefined || databaseUrl === "") {
    console.error("DATABASE_URL is not set.");
    process.exit(2);
  }
  const proxyPort = process.env.NEON_LOCAL_WS_PROXY_PORT === undefined ? undefined : Number(process.env.NEON_LOCAL_WS_PROXY_PORT);
  await applyMigrations({ databaseUrl, proxyPort });
  console.log(`migrations applied to ${describeDatabase(databaseUrl)}`);
}
