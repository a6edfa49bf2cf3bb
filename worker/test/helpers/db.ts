// Direct access to the test database, for checks the API cannot make ("nothing was written",
// "the stored secret is an envelope").
import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { openDatabase, type Database } from "../../src/db/client.ts";
import { getConfig } from "../../src/env.ts";

export async function withDb<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const handle = openDatabase(getConfig(env));
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

const TABLES = [
  "saved_authentications",
  "sessions",
  "conversations",
  "messages",
  "agent_templates",
  "tools",
  "mcp_servers",
  "local_agents",
  "tool_executions",
] as const;

/** Row counts of every table, to prove a refused request wrote nothing. */
export async function rowCounts(): Promise<Record<string, number>> {
  return withDb(async (db) => {
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      const result = await db.execute<{ count: string }>(sql.raw(`select count(*)::text as count from ${table}`));
      counts[table] = Number(result.rows[0]?.count ?? 0);
    }
    return counts;
  });
}
