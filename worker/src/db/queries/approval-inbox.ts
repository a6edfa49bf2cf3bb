/** What the approval inbox needs from Postgres: which sessions may be asking, and agents' names. */
import { eq, inArray } from "drizzle-orm";
import type { Database } from "../client.ts";
import { localAgents, sessions } from "../schema.ts";

export interface InboxSession {
  readonly id: string;
  readonly title: string;
}

/** Every active session (an archived one runs no turn), as id and title only. */
export async function listActiveSessionTitles(db: Database): Promise<InboxSession[]> {
  return db.select({ id: sessions.id, title: sessions.title }).from(sessions).where(eq(sessions.status, "active"));
}

export async function agentNames(db: Database, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: localAgents.id, name: localAgents.name })
    .from(localAgents)
    .where(inArray(localAgents.id, [...ids]));
  return new Map(rows.map((row) => [row.id, row.name]));
}
