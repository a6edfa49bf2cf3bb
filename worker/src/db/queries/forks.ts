/**
 * Forks: a new session with another's settings and a copy of its branch up to one message. The
 * copy is the fork's own record (new ids, the same tree shape, usage and cost kept with the
 * messages that incurred them), so the two sessions never change each other.
 */
import type { MessageId, SessionFork, SessionId } from "@maestro/protocol";
import { desc, eq, inArray } from "drizzle-orm";
import type { Database } from "../client.ts";
import { conversations, messages, sessions } from "../schema.ts";
import { iso } from "../timestamps.ts";
import { branchTail } from "./branches.ts";

/** Rows per insert: well under Postgres' parameter limit with a message's ~25 columns. */
const COPY_BATCH = 500;
/** A fork copies the whole branch up to its message, however long. */
const WHOLE_BRANCH = 1_000_000;

type SessionRow = typeof sessions.$inferSelect;
type MessageRow = typeof messages.$inferSelect;

/** Compaction parts name messages by id: in the copy they name the copies. */
function remapContent(content: MessageRow["content"], ids: ReadonlyMap<string, string>): MessageRow["content"] {
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

/** Creates the fork and copies the branch ending at `messageId` into it. Returns the new session's row. */
export async function forkSession(db: Database, source: SessionRow, messageId: MessageId, title: string): Promise<SessionRow> {
  const branch = await branchTail(db, messageId, WHOLE_BRANCH);
  const ids = new Map(branch.map((message) => [message.id as string, crypto.randomUUID()]));
  const byId = new Map<string, MessageRow>();
  const branchIds = [...ids.keys()];
  for (let start = 0; start < branchIds.length; start += COPY_BATCH) {
    const rows = await db
      .select()
      .from(messages)
      .where(inArray(messages.id, branchIds.slice(start, start + COPY_BATCH)));
    for (const row of rows) byId.set(row.id, row);
  }
  return db.transaction(async (tx) => {
    const { id: _id, createdAt: _created, updatedAt: _updated, lastActivityAt: _active, archivedAt: _archived, ...settings } = source;
    const [fork] = await tx
      .insert(sessions)
      .values({
        ...settings,
        title,
        status: "active",
        forkedFromSessionId: source.id,
        forkedFromMessageId: messageId,
      })
      .returning();
    if (fork === undefined) throw new Error("insert returned no row");
    const [conversation] = await tx.insert(conversations).values({ sessionId: fork.id }).returning({ id: conversations.id });
    if (conversation === undefined) throw new Error("insert returned no row");
    const copies = branch.flatMap((message) => {
      const row = byId.get(message.id);
      if (row === undefined) return [];
      return [
        {
          ...row,
          id: ids.get(row.id) ?? crypto.randomUUID(),
          sessionId: fork.id,
          conversationId: conversation.id,
          parentId: row.parentId === null ? null : (ids.get(row.parentId) ?? null),
          content: remapContent(row.content, ids),
        },
      ];
    });
    for (let start = 0; start < copies.length; start += COPY_BATCH)
      await tx.insert(messages).values(copies.slice(start, start + COPY_BATCH));
    const leaf = copies.at(-1)?.id ?? null;
    await tx.update(conversations).set({ leafMessageId: leaf }).where(eq(conversations.id, conversation.id));
    return fork;
  });
}

/** The sessions forked from `sessionId`, newest first. */
export async function forksOf(db: Database, sessionId: SessionId): Promise<SessionFork[]> {
  const rows = await db
    .select({ id: sessions.id, title: sessions.title, messageId: sessions.forkedFromMessageId, createdAt: sessions.createdAt })
    .from(sessions)
    .where(eq(sessions.forkedFromSessionId, sessionId))
    .orderBy(desc(sessions.createdAt));
  return rows.flatMap((row) =>
    row.messageId === null
      ? []
      : [{ session_id: row.id as SessionId, title: row.title, message_id: row.messageId as MessageId, created_at: iso(row.createdAt) }],
  );
}
