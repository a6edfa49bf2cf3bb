/**
 * local_agents: create (returning the token once), list, rename, revoke, find by token. `connected`
 * is not stored: callers learn it from the agent's Durable Object and pass it in.
 */
import {
  type Agent,
  type AgentId,
  type AgentSandbox,
  AgentIdSchema,
  AgentSchema,
  type CreatedAgent,
  CreatedAgentSchema,
} from "@maestro/protocol";
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { generateAgentToken, hashAgentToken } from "../../auth/agent-token.ts";
import type { Database } from "../client.ts";
import { encodeText } from "../safe-text.ts";
import { localAgents } from "../schema.ts";
import { iso, isoOrNull } from "../timestamps.ts";

type AgentRow = typeof localAgents.$inferSelect;

/**
 * What only the agent's Durable Object knows: whether it is connected, its command sandbox, and
 * the roots and version it registered — at once, where the Postgres copy is written a moment
 * after the register frame (so a just-connected agent never shows as connected with no roots).
 */
export interface AgentLive {
  readonly connected: boolean;
  readonly sandbox: AgentSandbox | null;
  readonly registered?: { readonly roots: readonly string[]; readonly version: string } | null;
}

const OFFLINE: AgentLive = { connected: false, sandbox: null };

function sandboxSummary(sandbox: AgentSandbox): string {
  if (sandbox.commands === "none") return "commands are not sandboxed";
  const network = sandbox.network ? "network allowed" : "no network";
  return `commands run under ${sandbox.commands}: roots writable, the rest read-only, secrets folders hidden, ${network}`;
}

function agentFields(row: AgentRow, live: AgentLive) {
  return {
    id: row.id,
    name: row.name,
    roots: live.connected && live.registered != null ? [...live.registered.roots] : row.roots,
    version: live.connected && live.registered != null ? live.registered.version : row.version,
    connected: live.connected,
    sandbox: live.sandbox === null ? null : { ...live.sandbox, summary: sandboxSummary(live.sandbox) },
    last_seen_at: isoOrNull(row.lastSeenAt),
    revoked_at: isoOrNull(row.revokedAt),
    created_at: iso(row.createdAt),
  };
}

/**
 * Sessions bind agents by name, so two agents that are not revoked may not share one (ignoring
 * case); the routes refuse a create or rename into a taken name.
 */
export async function agentNameTaken(db: Database, name: string, except?: AgentId): Promise<boolean> {
  const taken = await db
    .select({ id: localAgents.id })
    .from(localAgents)
    // Compared in the stored form: safe text is encoded on write (safe-text.ts), and a raw NUL would not bind.
    .where(and(sql`lower(${localAgents.name}) = lower(${encodeText(name)})`, isNull(localAgents.revokedAt)));
  return taken.some((row) => row.id !== except);
}

export async function createAgent(db: Database, name: string): Promise<CreatedAgent> {
  const token = generateAgentToken();
  const [row] = await db
    .insert(localAgents)
    .values({ name, tokenHash: await hashAgentToken(token) })
    .returning();
  if (row === undefined) throw new Error("insert returned no row");
  return CreatedAgentSchema.parse({ ...agentFields(row, OFFLINE), token });
}

export async function listAgents(db: Database, liveOf: (id: AgentId) => Promise<AgentLive>): Promise<Agent[]> {
  const rows = await db.select().from(localAgents).orderBy(desc(localAgents.createdAt));
  return Promise.all(
    rows.map(async (row) => {
      const id = AgentIdSchema.parse(row.id);
      const live = await liveOf(id);
      return AgentSchema.parse(agentFields(row, { ...live, connected: row.revokedAt === null && live.connected }));
    }),
  );
}

export async function agentExists(db: Database, id: string): Promise<boolean> {
  const rows = await db
    .select({ id: localAgents.id })
    .from(localAgents)
    .where(and(eq(localAgents.id, id), isNull(localAgents.revokedAt)));
  return rows.length > 0;
}

export async function renameAgent(db: Database, id: AgentId, name: string, live: AgentLive): Promise<Agent | undefined> {
  const [row] = await db.update(localAgents).set({ name }).where(eq(localAgents.id, id)).returning();
  return row === undefined ? undefined : AgentSchema.parse(agentFields(row, live));
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

/** What a session shows and tells the model of a bound agent. */
export interface AgentIdentity {
  readonly id: AgentId;
  readonly name: string;
  /** As it last registered (the connected agent's registration is fresher). */
  readonly roots: readonly string[];
}

/** The agents with these ids (revoked ones too: a session keeps naming what it was bound to). */
export async function agentsByIds(db: Database, ids: readonly string[]): Promise<Map<string, AgentIdentity>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: localAgents.id, name: localAgents.name, roots: localAgents.roots })
    .from(localAgents)
    .where(inArray(localAgents.id, [...ids]));
  return new Map(rows.map((row) => [row.id, { id: AgentIdSchema.parse(row.id), name: row.name, roots: row.roots }]));
}

/** Agents not revoked whose name is one of `names`, ignoring case (session-config resolves a binding with it). */
export async function liveAgentsNamed(db: Database, names: readonly string[]): Promise<{ id: AgentId; name: string }[]> {
  if (names.length === 0) return [];
  const rows = await db
    .select({ id: localAgents.id, name: localAgents.name })
    .from(localAgents)
    .where(
      and(
        sql`lower(${localAgents.name}) in (${sql.join(
          names.map((name) => sql`lower(${encodeText(name)})`),
          sql`, `,
        )})`,
        isNull(localAgents.revokedAt),
      ),
    );
  return rows.map((row) => ({ id: AgentIdSchema.parse(row.id), name: row.name }));
}

/** Finds the live agent a token belongs to; revoked agents are not found. */
export async function findAgentByToken(db: Database, token: string): Promise<AgentId | undefined> {
  const [row] = await db
    .select({ id: localAgents.id })
    .from(localAgents)
    .where(and(eq(localAgents.tokenHash, await hashAgentToken(token)), isNull(localAgents.revokedAt)));
  return row === undefined ? undefined : AgentIdSchema.parse(row.id);
}

/** Live agents, most recently seen first: the candidates for a session that names none. */
export async function recentAgentIds(db: Database, limit: number): Promise<AgentId[]> {
  const rows = await db
    .select({ id: localAgents.id })
    .from(localAgents)
    .where(isNull(localAgents.revokedAt))
    .orderBy(sql`${localAgents.lastSeenAt} desc nulls last`, desc(localAgents.createdAt))
    .limit(limit);
  return rows.map((row) => AgentIdSchema.parse(row.id));
}

/** What the agent registered (roots, version) and when it was last heard from; its name as the user knows it. */
export async function recordAgentSeen(
  db: Database,
  id: AgentId,
  registered?: { roots: string[]; version: string },
): Promise<string | undefined> {
  const [row] = await db
    .update(localAgents)
    .set({ lastSeenAt: new Date(), ...registered })
    .where(eq(localAgents.id, id))
    .returning({ name: localAgents.name });
  return row?.name;
}
