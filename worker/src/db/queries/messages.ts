/**
 * messages: store a message at the end of its conversation's branch, page through the branch in
 * use newest first (or search the whole record), and read the recent tail a snapshot needs. The
 * tree itself — branches, alternatives — is branches.ts.
 */
import { type ConversationId, type Message, type MessageId, MessageSchema, type SessionId } from "@maestro/protocol";
import { type SQL, and, desc, eq, getTableColumns, lt, or, sql } from "drizzle-orm";
import { CasingCache } from "drizzle-orm/casing";
import { COLUMN_CASING, type Database } from "../client.ts";
import { conversations, messages, sessions } from "../schema.ts";
import { iso } from "../timestamps.ts";

// Every column but the search vector (search-vector.ts): Postgres keeps it for GET /search, and
// reading it back with each message would only cost bytes.
const { search: _searchVector, ...columns } = getTableColumns(messages);
export const MESSAGE_COLUMNS = columns;
/** A stored message as the queries read it: every column but the search vector. */
export type MessageRow = Omit<typeof messages.$inferSelect, "search">;

/** A row read from Postgres, checked against the wire's schema. */
export function toMessage(row: MessageRow): Message {
  return MessageSchema.parse(wireFields(row));
}

/** A row's fields as the wire names them, unchecked. */
function wireFields(row: MessageRow) {
  const hasUsage = row.inputTokens !== null || row.outputTokens !== null;
  return {
    id: row.id,
    session_id: row.sessionId,
    conversation_id: row.conversationId,
    parent_id: row.parentId,
    turn_id: row.turnId,
    role: row.role,
    content: row.content,
    status: row.status,
    provider: row.provider,
    model: row.model,
    credential_id: row.credentialId,
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
  };
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

/**
 * Stores a message as the new end of its conversation's branch; `contextTokens`, when given, is
 * the session's context with it (context-accounting.ts).
 */
export async function insertMessage(db: Database, message: NewMessage, session: { contextTokens?: number } = {}): Promise<Message> {
  const [row] = await db.insert(messages).values(message).returning(MESSAGE_COLUMNS);
  if (row === undefined) throw new Error("insert returned no row");
  await Promise.all([
    db.update(conversations).set({ leafMessageId: row.id }).where(eq(conversations.id, message.conversationId)),
    db
      .update(sessions)
      .set({ lastActivityAt: message.createdAt, ...(session.contextTokens !== undefined && { contextTokens: session.contextTokens }) })
      .where(eq(sessions.id, message.sessionId)),
  ]);
  return toMessage(row);
}

/** The columns a message is inserted with (not the search vector: Postgres computes it), as Postgres names them. */
const INSERTED = (() => {
  const casing = new CasingCache(COLUMN_CASING);
  const inserted = Object.entries(getTableColumns(messages)).filter(([, column]) => column.generated === undefined);
  return {
    columns: inserted.map(([key, column]) => ({ key: key as keyof NewMessage, column })),
    names: inserted.map(([, column]) => `"${casing.getColumnCasing(column)}"`).join(", "),
  };
})();

/** writeMessageOnce's statement for each set of columns a message leaves to their defaults, built once. */
const WRITE_ONCE_TEXT = new Map<string, string>();

/** `shape`: "1" for each inserted column the message gives, "0" for one left to its default. */
function writeOnceText(shape: string): string {
  const known = WRITE_ONCE_TEXT.get(shape);
  if (known !== undefined) return known;
  let next = 0;
  const inserted = [...shape].map((given) => (given === "1" ? `$${++next}` : "default")).join(", ");
  const [id, conversationId, at, contextTokens, sessionId] = [1, 2, 3, 4, 5].map((offset) => `$${next + offset}`);
  const text = `WITH stored AS (
    INSERT INTO "messages" (${INSERTED.names}) VALUES (${inserted}) ON CONFLICT ("id") DO NOTHING RETURNING 1
  ), leaf AS (
    UPDATE "conversations" SET "leaf_message_id" = ${id} WHERE "id" = ${conversationId} AND EXISTS (SELECT 1 FROM stored)
  )
  UPDATE "sessions" SET "last_activity_at" = ${at}, "context_tokens" = coalesce(${contextTokens}::integer, "context_tokens")
  WHERE "id" = ${sessionId} AND EXISTS (SELECT 1 FROM stored)`;
  WRITE_ONCE_TEXT.set(shape, text);
  return text;
}

/**
 * Stores a message the session has already shown (write-behind.ts), at most once: written again
 * (its outbox note outlived the write, and a restart found it) it changes nothing, so the branch's
 * end stays where later writes or a branch switch put it. One statement (the branch's end and the
 * session's activity as data-modifying CTEs beside the insert): a turn writes two messages, and
 * each round trip is a query the database parses, plans and commits — three a message made the
 * local Postgres the busiest process when many turns start together. Sent to the pool as text and
 * values, each value through its column's encoder as drizzle's insert would: building it with
 * drizzle's insert and update builders took a tenth of a turn's CPU on the Worker's thread, and
 * with its `sql` template 14 % of all a turn allocated.
 */
export async function writeMessageOnce(db: Database, message: NewMessage, session: { contextTokens?: number } = {}): Promise<void> {
  let shape = "";
  const values: unknown[] = [];
  for (const { key, column } of INSERTED.columns) {
    const value = message[key];
    shape += value === undefined ? "0" : "1";
    if (value !== undefined) values.push(value === null ? null : column.mapToDriverValue(value));
  }
  values.push(message.id, message.conversationId, message.createdAt, session.contextTokens ?? null, message.sessionId);
  await db.$client.query(writeOnceText(shape), values);
}

/**
 * The wire shape of a message that is about to be stored. Not parsed: it is what this Worker just
 * made (a send the route validated, a step it assembled), and the schema's parse took a tenth of a
 * millisecond before every model request and again before every turn_end. turn-writes.test.ts
 * proves it equals what a read of the stored row gives, for every kind of content part.
 */
export function messageOf(message: NewMessage): Message {
  // The branded ids and the literal unions are the row's own values: what the parse would return.
  return wireFields({
    turnId: null,
    parentId: null,
    status: "complete",
    provider: null,
    model: null,
    credentialId: null,
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
    isCopy: message.isCopy ?? false,
  }) as Message;
}

export interface MessagePageResult {
  readonly data: Message[];
  readonly nextBefore: MessageId | null;
}

/**
 * Every message of the session, every branch, newest first (a search of the whole record; the
 * branch in use is paged by branches.ts `pageBranch`). `before` is a message id; ties on
 * created_at are broken by id so that a page boundary never skips or repeats a message. Returns
 * undefined when `before` is unknown.
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
 * A message whose readable words contain `needle`, case-insensitively: the same words the search
 * index reads (migration 0007's maestro_message_search_text), not the stored JSON, so searching
 * for "type" or a brace does not match every message, and a message holding a NUL still reads.
 */
function wordsContain(needle: string): SQL {
  const pattern = `%${needle.replace(/[\\%_]/g, (special) => `\\${special}`)}%`;
  return sql`maestro_message_search_text(${messages.content}) ilike ${pattern}`;
}
