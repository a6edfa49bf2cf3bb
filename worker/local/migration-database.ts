/**
 * For migration tests: a fresh embedded Postgres behind the Neon proxy, migrated to just before a
 * migration (so a test can fill it with rows of that time), then all the way.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "@neondatabase/serverless";
import { applyMigrations } from "./migrate.ts";
import { migrationsBefore } from "./migrations-before.ts";
import { configureNeonForNode } from "./neon-node.ts";
import { startLocalPostgres } from "./postgres.ts";
import { startWsProxy } from "./ws-proxy.ts";

export interface MigrationDatabase {
  readonly pool: Pool;
  /** Applies every migration before `tag` (e.g. "0010_session_agents"). */
  migrateBefore(tag: string): Promise<void>;
  /** Applies the rest. */
  migrateAll(): Promise<void>;
  close(): Promise<void>;
}

export async function startMigrationDatabase(label: string): Promise<MigrationDatabase> {
  const proxy = await startWsProxy();
  configureNeonForNode(proxy.port);
  const scratch = await mkdtemp(join(tmpdir(), `maestro-migration-${label}-`));
  const postgres = await startLocalPostgres({});
  const pool = new Pool({ connectionString: postgres.databaseUrl, max: 2 });
  const { databaseUrl } = postgres;
  return {
    pool,
    migrateBefore: async (tag) =>
      applyMigrations({ databaseUrl, proxyPort: proxy.port, migrationsFolder: await migrationsBefore(scratch, tag) }),
    migrateAll: () => applyMigrations({ databaseUrl, proxyPort: proxy.port }),
    close: async () => {
      await pool.end();
      await postgres.close();
      await proxy.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
