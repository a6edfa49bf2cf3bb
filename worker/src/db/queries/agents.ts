/**
 * local_agents: create (returning the token once), list, rename, revoke. `connected` is not
 * stored: callers learn it from the agent's Durable Object (issue 4) and pass it in.
 */
import { type Agent, type AgentId, AgentSchema, type CreatedAgent, CreatedAgentSchema } from "@maestro/protocol";
import { and, desc, eq, isNull } from "drizzle-orm";
import { generateAgentToken, hashAgentToken } from "../../auth/agent-token.ts";
import type { Database } from "../client.ts";
import { localAgents } from "../schema.ts";
import { iso, isoOrNull } from "../timestamps.ts";

type AgentRow = typeof localAgents.$inferSelect;

function agentFields(row: AgentRow, connected: boolean) {
  return {
    id: row.id,
    name: row.name,
    roots: row.roots,
    version: row.version,
    connected,
    last_seen_at: isoOrNull(row.lastSeenAt),
    revoked_at: isoOrNull(row.revokedAt),
    created_at: iso(row.createdAt),
  };
}

export async function createAgent(db: Database, name: string): Promise<CreatedAgent> {
  const token = generateAgentToken();
  const [row] = await db
    .insert(localAgents)
    .values({ name, tokenHash: await hashAgentToken(token) })
    .returning();
  if (row === undefined) throw new Error("insert returned no row");
  return CreatedAgentSchema.parse({ ...agentFields(row, false), token });
}

export async function listAgents(db: Database): Promise<Agent[]> {
  const rows = await db.select().from(localAgents).orderBy(desc(localAgents.createdAt));
  return rows.map((row) => AgentSchema.parse(agentFields(row, false)));
}

export async function agentExists(db: Database, id: string): Promise<boolean> {
  const rows = await db
    .select({ id: localAgents.id })
    .from(localAgents)
    .where(and(eq(localAgents.id, id), isNull(localAgents.revokedAt)));
  return rows.length > 0;
}

export async function renameAgent(db: Database, id: AgentId, name: string): Promise<Agent | undefined> {
  const [row] = await db.update(localAgents).set({ name }).where(eq(localAgents.id, id)).returning();
  return row === undefined ? undefined : AgentSchema.parse(agentFields(row, false));
}

/** Revoking keeps the row (the audit trail names it) but its token stops working. */
export async function revokeAgent(db: Database, id: AgentId): Promise<boolean> {
  const rows = await db
    .update(localAgents)
    .set({ revokedAt: new Date() })
    .where(and(eq(localAgents.id, id), isNull(localAgents.revokedAt)))
    .returning({ id: localAgents.id });
  return rows.length > 0;
}
