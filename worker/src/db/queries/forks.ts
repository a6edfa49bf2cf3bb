/**
 * Forks: a new session with another's settings and a copy of its branch up to one message. The
 * copy is the fork's own record (new ids, the same tree shape, usage and cost kept with the
 * messages that incurred them), so the two sessions never change each other.
 */
import type { MessageId, SessionFork, SessionId } from "@maestro/protocol";
import { desc, eq, inArray } from "drizzle-orm";
import type { Database } from "../client.ts";
import { messages, sessions } from "../schema.ts";
import { iso } from "../timestamps.ts";
import { branchTail } from "./branches.ts";
import { MESSAGE_COLUMNS, type MessageRow } from "./messages.ts";
import { createSessionWithTree } from "./session-trees.ts";

/** Rows read per query. */
const READ_BATCH = 500;
/** A fork copies the whole branch up to its message, however long. */
const WHOLE_BRANCH = 1_000_000;

type SessionRow = typeof sessions.$inferSelect;

/** Creates the fork and copies the branch ending at `messageId` into it. Returns the new session's row. */
export async function forkSession(db: Database, source: SessionRow, messageId: MessageId, title: string): Promise<SessionRow> {
  const branch = await branchTail(db, messageId, WHOLE_BRANCH);
  const byId = new Map<string, MessageRow>();
  const branchIds = branch.map((message) => message.id as string);
  for (let start = 0; start < branchIds.length; start += READ_BATCH) {
    const rows = await db
      .select(MESSAGE_COLUMNS)
      .from(messages)
      .where(inArray(messages.id, branchIds.slice(start, start + READ_BATCH)));
    for (const row of rows) byId.set(row.id, row);
  }
  const tree = branch.flatMap((message) => {
    const row = byId.get(message.id);
    if (row === undefined) return [];
    const { sessionId: _session, conversationId: _conversation, ...copy } = row;
    return [copy];
  });
  const { id: _id, createdAt: _created, updatedAt: _updated, lastActivityAt: _active, archivedAt: _archived, ...settings } = source;
  const values = { ...settings, title, status: "active" as const, forkedFromSessionId: source.id, forkedFromMessageId: messageId };
  return createSessionWithTree(db, values, tree, tree.at(-1)?.id ?? null);
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
