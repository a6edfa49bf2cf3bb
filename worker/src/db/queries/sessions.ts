/**
 * sessions (and their first conversation): create, list with usage totals, read, update, archive.
 * Live state (presence, activity) is not stored here; callers join it from Redis or the DO.
 */
import {
  type AgentOfflineMode,
  type ApprovalMode,
  type Fallback,
  type ProviderId,
  type Session,
  type SessionId,
  SessionIdSchema,
  SessionSchema,
  type TokenUsage,
  type UpdateSessionBody,
} from "@maestro/protocol";
import { and, desc, eq, ilike, inArray, isNull, sql } from "drizzle-orm";
import type { LiveState } from "../../kv/presence.ts";
import { contextLimits } from "../../models/context-limits.ts";
import type { Database } from "../client.ts";
import { encodeText } from "../safe-text.ts";
import { agentsByIds } from "./agents.ts";
import { conversations, messages, savedAuthentications, sessions } from "../schema.ts";
import { iso, isoOrNull } from "../timestamps.ts";

type SessionRow = typeof sessions.$inferSelect;

export interface SessionRecord {
  readonly row: SessionRow;
  readonly usage: TokenUsage;
  readonly costUsd: number;
  /** Its credential's context window override, which the session's context limits start from. */
  readonly credentialWindow: number | null;
  /** The bound agents' names, in the row's order. */
  readonly agentNames: readonly string[];
}

export interface NewSession {
  readonly title: string;
  readonly provider: ProviderId;
  readonly model: string;
  readonly credentialId: string | null;
  readonly systemPrompt: string | null;
  readonly templateId: string | null;
  /** The bound local agents' ids, in order; empty: the most recently seen connected agent. */
  readonly agentIds: string[];
  readonly workingDirectory: string | null;
  readonly enabledTools: string[] | null;
  readonly enabledMcp: string[] | null;
  readonly approvalMode: ApprovalMode;
  /** A tool call while the agent is offline: fail at once or wait (absent: the column defaults). */
  readonly agentOffline?: AgentOfflineMode;
  readonly agentOfflineGraceMs?: number;
  /** The context window override (tokens), or null for the credential's or the catalog's. */
  readonly contextWindow: number | null;
  /** The compaction threshold, or null for the global one. */
  readonly compactAt: number | null;
  /** Where a turn goes on when the model fails for good, in order. */
  readonly fallbacks: Fallback[];
}

const NO_USAGE: TokenUsage = { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 };

/** `settings`: the global compaction threshold (MAESTRO_COMPACT_AT), for sessions without their own. */
export function toSession(record: SessionRecord, live: LiveState, settings: { readonly compactAt: number }): Session {
  const { row } = record;
  const limits = contextLimits(row, record.credentialWindow, settings);
  return SessionSchema.parse({
    id: row.id,
    title: row.title,
    provider: row.provider,
    model: row.model,
    credential_id: row.credentialId,
    system_prompt: row.systemPrompt,
    template_id: row.templateId,
    agent_id: row.agentIds.length === 1 ? row.agentIds[0] : null,
    agents: record.agentNames,
    working_directory: row.workingDirectory,
    enabled_tools: row.enabledTools,
    enabled_mcp: row.enabledMcp,
    approval_mode: row.approvalMode,
    agent_offline: row.agentOffline,
    agent_offline_grace_ms: row.agentOfflineGraceMs,
    status: row.status,
    activity: live.activity,
    usage: record.usage,
    cost_usd: record.costUsd,
    context_window: row.contextWindow,
    compact_at: row.compactAt,
    fallbacks: row.fallbacks,
    context: { used_tokens: row.contextTokens, window_tokens: limits.windowTokens, compact_at: limits.compactAt },
    presence: live.presence,
    forked_from:
      row.forkedFromSessionId === null || row.forkedFromMessageId === null
        ? null
        : { session_id: row.forkedFromSessionId, message_id: row.forkedFromMessageId },
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
    last_activity_at: iso(row.lastActivityAt),
    archived_at: isoOrNull(row.archivedAt),
  });
}

/** A session and its first conversation, in one transaction. */
export async function createSession(db: Database, values: NewSession): Promise<SessionRecord> {
  const row = await db.transaction(async (tx) => {
    const [created] = await tx.insert(sessions).values(values).returning();
    if (created === undefined) throw new Error("insert returned no row");
    await tx.insert(conversations).values({ sessionId: created.id });
    return created;
  });
  const [windowTokens, names] = await Promise.all([credentialWindowOf(db, row.credentialId), agentNamesOf(db, [row])]);
  return { row, usage: NO_USAGE, costUsd: 0, credentialWindow: windowTokens, agentNames: names.get(row.id) ?? [] };
}

async function usageBySession(db: Database, ids: readonly string[]): Promise<Map<string, { usage: TokenUsage; costUsd: number }>> {
  const totals = new Map<string, { usage: TokenUsage; costUsd: number }>();
  if (ids.length === 0) return totals;
  const rows = await db
    .select({
      sessionId: messages.sessionId,
      input: sql<string>`coalesce(sum(${messages.inputTokens}), 0)`,
      output: sql<string>`coalesce(sum(${messages.outputTokens}), 0)`,
      cacheRead: sql<string>`coalesce(sum(${messages.cacheReadTokens}), 0)`,
      cacheWrite: sql<string>`coalesce(sum(${messages.cacheWriteTokens}), 0)`,
      cost: sql<string>`coalesce(sum(${messages.totalCostUsd}), 0)`,
    })
    .from(messages)
    // What this session spent: a fork's or an import's copied messages were paid for elsewhere.
    .where(and(inArray(messages.sessionId, [...ids]), eq(messages.isCopy, false)))
    .groupBy(messages.sessionId);
  for (const row of rows) {
    totals.set(row.sessionId, {
      usage: {
        input_tokens: Number(row.input),
        output_tokens: Number(row.output),
        cache_read_tokens: Number(row.cacheRead),
        cache_write_tokens: Number(row.cacheWrite),
      },
      costUsd: Number(row.cost),
    });
  }
  return totals;
}

async function credentialWindows(db: Database, ids: readonly string[]): Promise<Map<string, number | null>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: savedAuthentications.id, contextWindow: savedAuthentications.contextWindow })
    .from(savedAuthentications)
    .where(inArray(savedAuthentications.id, [...ids]));
  return new Map(rows.map((row) => [row.id, row.contextWindow]));
}

async function credentialWindowOf(db: Database, id: string | null): Promise<number | null> {
  return id === null ? null : ((await credentialWindows(db, [id])).get(id) ?? null);
}

/** Each row's bound agents by name, in its order (an id with no row left is skipped). */
async function agentNamesOf(db: Database, rows: readonly SessionRow[]): Promise<Map<string, string[]>> {
  const agents = await agentsByIds(db, [...new Set(rows.flatMap((row) => row.agentIds))]);
  return new Map(rows.map((row) => [row.id, row.agentIds.flatMap((id) => agents.get(id)?.name ?? [])]));
}

async function withUsage(db: Database, rows: SessionRow[]): Promise<SessionRecord[]> {
  const credentialIds = [...new Set(rows.flatMap((row) => (row.credentialId === null ? [] : [row.credentialId])))];
  const [totals, windows, names] = await Promise.all([
    usageBySession(
      db,
      rows.map((row) => row.id),
    ),
    credentialWindows(db, credentialIds),
    agentNamesOf(db, rows),
  ]);
  return rows.map((row) => ({
    row,
    ...(totals.get(row.id) ?? { usage: NO_USAGE, costUsd: 0 }),
    credentialWindow: row.credentialId === null ? null : (windows.get(row.credentialId) ?? null),
    agentNames: names.get(row.id) ?? [],
  }));
}

export interface SessionFilter {
  readonly status: "active" | "archived" | "all";
  readonly q?: string | undefined;
  readonly limit: number;
}

export async function listSessions(db: Database, filter: SessionFilter): Promise<SessionRecord[]> {
  const conditions = [
    filter.status === "all" ? undefined : eq(sessions.status, filter.status),
    // ilike does not bind its pattern through the column, so the stored (escaped) form is built here.
    filter.q === undefined ? undefined : ilike(sessions.title, `%${escapeLike(encodeText(filter.q))}%`),
  ];
  const rows = await db
    .select()
    .from(sessions)
    .where(and(...conditions))
    .orderBy(desc(sessions.lastActivityAt), desc(sessions.id))
    .limit(filter.limit);
  return withUsage(db, rows);
}

export async function getSession(db: Database, id: SessionId): Promise<SessionRecord | undefined> {
  const rows = await db.select().from(sessions).where(eq(sessions.id, id));
  const [record] = await withUsage(db, rows);
  return record;
}

/** Just the row: what a turn needs, without the usage totals. */
export async function getSessionRow(db: Database, id: SessionId): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id));
  return row;
}

/** `agentIds`: the new binding (resolved from `agents` or `agent_id` by session-config), if it changes. */
export async function updateSession(
  db: Database,
  id: SessionId,
  body: UpdateSessionBody,
  agentIds?: string[],
): Promise<SessionRecord | undefined> {
  const [row] = await db
    .update(sessions)
    .set({
      ...(body.title !== undefined && { title: body.title }),
      ...(body.provider !== undefined && { provider: body.provider }),
      ...(body.model !== undefined && { model: body.model }),
      ...(body.credential_id !== undefined && { credentialId: body.credential_id }),
      ...(body.system_prompt !== undefined && { systemPrompt: body.system_prompt }),
      ...(agentIds !== undefined && { agentIds }),
      ...(body.working_directory !== undefined && { workingDirectory: body.working_directory }),
      ...(body.enabled_tools !== undefined && { enabledTools: body.enabled_tools }),
      ...(body.enabled_mcp !== undefined && { enabledMcp: body.enabled_mcp }),
      ...(body.approval_mode !== undefined && { approvalMode: body.approval_mode }),
      ...(body.agent_offline !== undefined && { agentOffline: body.agent_offline }),
      ...(body.agent_offline_grace_ms !== undefined && { agentOfflineGraceMs: body.agent_offline_grace_ms }),
      ...(body.context_window !== undefined && { contextWindow: body.context_window }),
      ...(body.compact_at !== undefined && { compactAt: body.compact_at }),
      ...(body.fallbacks !== undefined && { fallbacks: body.fallbacks }),
      updatedAt: new Date(),
    })
    .where(eq(sessions.id, id))
    .returning();
  if (row === undefined) return undefined;
  const [record] = await withUsage(db, [row]);
  return record;
}

export async function archiveSession(db: Database, id: SessionId): Promise<boolean> {
  const now = new Date();
  const rows = await db
    .update(sessions)
    .set({ status: "archived", archivedAt: now, updatedAt: now })
    .where(eq(sessions.id, id))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

/**
 * `%` and `_` in a title filter are literal characters, not wildcards. (encodeText never writes
 * `\`, `%` or `_`, so escaping after encoding matches exactly the stored form.)
 */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** Sessions (not archived) that use a credential: whom to tell when it changes. */
export async function sessionIdsUsingCredential(db: Database, credentialId: string): Promise<SessionId[]> {
  const rows = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.credentialId, credentialId), isNull(sessions.archivedAt)));
  return rows.map((row) => SessionIdSchema.parse(row.id));
}

/** How full the session's context is now (context-accounting.ts), after the branch in use changed. */
export async function setContextTokens(db: Database, id: SessionId, contextTokens: number): Promise<void> {
  await db.update(sessions).set({ contextTokens }).where(eq(sessions.id, id));
}
