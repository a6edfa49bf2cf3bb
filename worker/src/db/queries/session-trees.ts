/**
 * A session's whole message tree: read all of it (an export, export/session-export.ts), or create
 * a session holding a copy of one — what a fork (forks.ts) and an import (export/session-import.ts)
 * both make. A copy gets new ids; parent links, the leaf and the message ids inside compaction
 * parts are carried over to them, so the tree keeps its shape.
 */
import type { ContentPart, MessageId } from "@maestro/protocol";
import { asc, eq } from "drizzle-orm";
import type { Database } from "../client.ts";
import { conversations, messages, sessions } from "../schema.ts";
import { MESSAGE_COLUMNS, type MessageRow } from "./messages.ts";

/** Rows per insert: well under Postgres' parameter limit with a message's ~25 columns. */
const COPY_BATCH = 500;

type SessionRow = typeof sessions.$inferSelect;

/**
 * Every message of a conversation, every branch, oldest first (ties by id). `raw`: with the raw
 * requests and responses, which are otherwise left unread (they are most of a session's bytes).
 */
export async function conversationMessages(db: Database, conversationId: string, options: { raw: boolean }): Promise<MessageRow[]> {
  const { rawRequest: _request, rawResponse: _response, ...columns } = MESSAGE_COLUMNS;
  const rows = options.raw
    ? await db
        .select(MESSAGE_COLUMNS)
        .from(messages)
        .where(eq(messages.conversationId, conversationId))
        .orderBy(asc(messages.createdAt), asc(messages.id))
    : await db
        .select(columns)
        .from(messages)
        .where(eq(messages.conversationId, conversationId))
        .orderBy(asc(messages.createdAt), asc(messages.id));
  return rows.map((row) => ({ rawRequest: null, rawResponse: null, ...row }));
}

/** A message to copy: a row without its session and conversation, which the copy takes from the new session. */
export type MessageCopy = Omit<typeof messages.$inferInsert, "sessionId" | "conversationId"> & {
  id: string;
  parentId: string | null;
  content: ContentPart[];
};

/** Compaction parts name messages by id: in the copy they name the copies (null when not copied). */
export function remapContent(content: readonly ContentPart[], ids: ReadonlyMap<string, string>): ContentPart[] {
  return content.map((part) =>
    part.type === "compaction"
      ? {
          ...part,
          pruned_through: part.pruned_through === null ? null : ((ids.get(part.pruned_through) ?? null) as MessageId | null),
          summarized_through: part.summarized_through === null ? null : ((ids.get(part.summarized_through) ?? null) as MessageId | null),
        }
      : part,
  );
}

/**
 * Creates a session from `values` and its conversation, holding copies of `tree` (a parent always
 * before its replies) under new ids, with the copy of `leaf` as the branch in use. One transaction.
 */
export async function createSessionWithTree(
  db: Database,
  values: typeof sessions.$inferInsert,
  tree: readonly MessageCopy[],
  leaf: string | null,
): Promise<SessionRow> {
  const ids = new Map(tree.map((message) => [message.id, crypto.randomUUID()]));
  return db.transaction(async (tx) => {
    const [session] = await tx.insert(sessions).values(values).returning();
    if (session === undefined) throw new Error("insert returned no row");
    const [conversation] = await tx.insert(conversations).values({ sessionId: session.id }).returning({ id: conversations.id });
    if (conversation === undefined) throw new Error("insert returned no row");
    const copies = tree.map((message) => ({
      ...message,
      id: ids.get(message.id) ?? crypto.randomUUID(),
      sessionId: session.id,
      conversationId: conversation.id,
      parentId: message.parentId === null ? null : (ids.get(message.parentId) ?? null),
      content: remapContent(message.content, ids),
      isCopy: true,
    }));
    for (let start = 0; start < copies.length; start += COPY_BATCH)
      await tx.insert(messages).values(copies.slice(start, start + COPY_BATCH));
    const leafCopy = leaf === null ? null : (ids.get(leaf) ?? null);
    await tx.update(conversations).set({ leafMessageId: leafCopy }).where(eq(conversations.id, conversation.id));
    return session;
  });
}
