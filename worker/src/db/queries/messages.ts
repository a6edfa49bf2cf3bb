/**
 * messages: store a user's message (in the session's current conversation), page through history
 * newest first, and read the recent tail a snapshot needs.
 */
import { type ConversationId, type Message, type MessageId, MessageSchema, type SessionId, type TurnId } from "@maestro/protocol";
import { type SQL, and, desc, eq, getTableColumns, gt, lt, or, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { conversations, messages, sessions } from "../schema.ts";
import { iso } from "../timestamps.ts";

// Every column but the search vector (search-vector.ts): Postgres keeps it for GET /search, and
// reading it back with each message would only cost bytes.
const { search: _searchVector, ...MESSAGE_COLUMNS } = getTableColumns(messages);
type MessageRow = Omit<typeof messages.$inferSelect, "search">;

function toMessage(row: MessageRow): Message {
  const hasUsage = row.inputTokens !== null || row.outputTokens !== null;
  return MessageSchema.parse({
    id: row.id,
    session_id: row.sessionId,
    conversation_id: row.conversationId,
    turn_id: row.turnId,
    role: row.role,
    content: row.content,
    status: row.status,
    provider: row.provider,
    model: row.model,
    usage: hasUsage
      ? {
          input_tokens: row.inputTokens ?? 0,
          output_tokens: row.outputTokens ?? 0,
          cache_read_tokens: row.cacheReadTokens ?? 0,
          cache_write_tokens: row.cacheWriteTokens ?? 0,
        }
      : null,
    cost_usd: row.totalCostUsd === null ? null : Number(row.totalCostUsd),
    latency_ms: row.latencyMs,
    time_to_first_token_ms: row.timeToFirstTokenMs,
    stop_reason: row.stopReason,
    error: row.error,
    created_at: iso(row.createdAt),
  });
}

/** The conversation new messages go to: the session's newest (made if the session has none). */
export async function currentConversationId(db: Database, sessionId: SessionId): Promise<ConversationId> {
  const [latest] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.sessionId, sessionId))
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  if (latest !== undefined) return latest.id as ConversationId;
  const [created] = await db.insert(conversations).values({ sessionId }).returning({ id: conversations.id });
  if (created === undefined) throw new Error("insert returned no row");
  return created.id as ConversationId;
}

/** A message row as the session builds it (its id and time chosen before it is stored). */
export type NewMessage = typeof messages.$inferInsert & { id: string; createdAt: Date };

/** Stores a message; `contextTokens`, when given, is the session's context with it (context-accounting.ts). */
export async function insertMessage(db: Database, message: NewMessage, session: { contextTokens?: number } = {}): Promise<Message> {
  const [row] = await db.insert(messages).values(message).returning(MESSAGE_COLUMNS);
  if (row === undefined) throw new Error("insert returned no row");
  await db
    .update(sessions)
    .set({ lastActivityAt: message.createdAt, ...(session.contextTokens !== undefined && { contextTokens: session.contextTokens }) })
    .where(eq(sessions.id, message.sessionId));
  return toMessage(row);
}

/** The wire shape of a message that is about to be stored. */
export function messageOf(message: NewMessage): Message {
  return toMessage({
    turnId: null,
    status: "complete",
    provider: null,
    model: null,
    rawRequest: null,
    rawResponse: null,
    inputTokens: null,
    outputTokens: null,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    totalCostUsd: null,
    latencyMs: null,
    timeToFirstTokenMs: null,
    stopReason: null,
    error: null,
    ...message,
  });
}

export async function insertUserMessage(db: Database, input: { sessionId: SessionId; turnId: TurnId; text: string }): Promise<Message> {
  return insertMessage(db, {
    id: crypto.randomUUID(),
    sessionId: input.sessionId,
    conversationId: await currentConversationId(db, input.sessionId),
    turnId: input.turnId,
    role: "user",
    content: [{ type: "text", text: input.text }],
    createdAt: new Date(),
  });
}

/**
 * What a turn needs of the current conversation, oldest first: everything after the newest
 * summary's boundary (compaction.ts), or all of it when nothing was summarised. Compaction keeps
 * this within the model's window, so assembling a turn's history does not grow with the session.
 */
export async function conversationSinceSummary(db: Database, conversationId: ConversationId): Promise<Message[]> {
  const compactions = await db
    .select(MESSAGE_COLUMNS)
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.role, "compaction")))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(20);
  const boundary = compactions
    .map(toMessage)
    .flatMap((message) =>
      message.content.flatMap((part) => (part.type === "compaction" && part.summarized_through !== null ? [part.summarized_through] : [])),
    )
    .at(0);
  let after: { createdAt: Date; id: string } | undefined;
  if (boundary !== undefined) {
    [after] = await db.select({ createdAt: messages.createdAt, id: messages.id }).from(messages).where(eq(messages.id, boundary));
  }
  const rows = await db
    .select(MESSAGE_COLUMNS)
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        after === undefined
          ? undefined
          : or(gt(messages.createdAt, after.createdAt), and(eq(messages.createdAt, after.createdAt), gt(messages.id, after.id))),
      ),
    )
    .orderBy(messages.createdAt, messages.id);
  return rows.map(toMessage);
}

/** The current conversation, oldest first, at most `limit` of its newest messages. */
export async function conversationHistory(db: Database, conversationId: ConversationId, limit: number): Promise<Message[]> {
  const rows = await db
    .select(MESSAGE_COLUMNS)
    .from(messages)
    .where(eq(messages.conversationId, conversationId))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit);
  return rows.reverse().map(toMessage);
}

export interface MessagePageResult {
  readonly data: Message[];
  readonly nextBefore: MessageId | null;
}

/**
 * Newest first. `before` is a message id; ties on created_at are broken by id so that a page
 * boundary never skips or repeats a message. Returns undefined when `before` is unknown.
 */
export async function listMessages(
  db: Database,
  sessionId: SessionId,
  page: { limit: number; before?: MessageId | undefined; q?: string | undefined },
): Promise<MessagePageResult | undefined> {
  let cursor: { createdAt: Date; id: string } | undefined;
  if (page.before !== undefined) {
    const [found] = await db
      .select({ createdAt: messages.createdAt, id: messages.id })
      .from(messages)
      .where(and(eq(messages.id, page.before), eq(messages.sessionId, sessionId)));
    if (found === undefined) return undefined;
    cursor = found;
  }
  const rows = await db
    .select(MESSAGE_COLUMNS)
    .from(messages)
    .where(
      and(
        eq(messages.sessionId, sessionId),
        cursor === undefined
          ? undefined
          : or(lt(messages.createdAt, cursor.createdAt), and(eq(messages.createdAt, cursor.createdAt), lt(messages.id, cursor.id))),
        page.q === undefined ? undefined : wordsContain(page.q),
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(page.limit + 1);
  const data = rows.slice(0, page.limit).map(toMessage);
  const last = data.at(-1);
  return { data, nextBefore: rows.length > page.limit && last !== undefined ? last.id : null };
}

/**
 * A message whose readable parts contain `needle`, case-insensitively. It looks inside the parts
 * (not at the stored JSON), so searching for "type" or a brace does not match every message.
 */
function wordsContain(needle: string): SQL {
  const pattern = `%${needle.replace(/[\\%_]/g, (special) => `\\${special}`)}%`;
  return sql`exists (
    select 1 from jsonb_array_elements(${messages.content}::jsonb) as part
    where concat_ws(' ', part->>'text', part->>'name', part->'args', part->>'output', part->>'summary') ilike ${pattern}
  )`;
}

/** The newest `limit` messages, oldest first (the order a transcript is drawn in). */
export async function recentMessages(db: Database, sessionId: SessionId, limit: number): Promise<Message[]> {
  const page = await listMessages(db, sessionId, { limit });
  return (page?.data ?? []).reverse();
}
