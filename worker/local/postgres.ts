/**
 * The local Postgres: an embedded PGlite (persisted in a folder, or in memory for tests) served
 * on loopback to Neon's driver. `npm run dev` and the test suites start it; with DATABASE_URL
 * set, dev uses that real server instead and this is not started.
 */
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { servePglite } from "./pglite-wire-server.ts";

export interface LocalPostgres {
  readonly databaseUrl: string;
  close(): Promise<void>;
}

export async function startLocalPostgres(options: { dataDir?: string; port?: number }): Promise<LocalPostgres> {
  if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const server = await servePglite(db, { port: options.port });
  return {
    // PGlite accepts any credentials; these only satisfy the URL syntax drivers expect.
    databaseUrl: `postgres://postgres:postgres@127.0.0.1:${server.port}/postgres`,
    close: async () => {
      await server.close();
      await db.close();
    },
  };
}
