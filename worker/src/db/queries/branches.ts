/**
 * The message tree (schema.ts, conversations): a conversation's messages hang off each other by
 * `parent_id`, and the branch in use is the path from the root to the conversation's leaf. Every
 * read here walks parent links from one message with a recursive query, so its cost grows with
 * what is read, never with how many branches or messages the session holds.
 */
import type { ConversationId, Message, MessageId, SessionId } from "@maestro/protocol";
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { conversations, messages } from "../schema.ts";
import { MESSAGE_COLUMNS, type MessagePageResult, currentConversationId, toMessage } from "./messages.ts";

/** No branch is this deep; a cycle (which only corrupt data could make) stops here. */
const MAX_DEPTH = 1_000_000;

/**
 * The conversation a session continues (its newest) and the end of the branch in use, in one read
 * (a conversation is created when the session has none yet).
 */
export async function currentBranch(
  db: Database,
  sessionId: SessionId,
): Promise<{ conversationId: ConversationId; leaf: MessageId | null }> {
  const [latest] = await db
    .select({ id: conversations.id, leaf: conversations.leafMessageId })
    .from(conversations)
    .where(eq(conversations.sessionId, sessionId))
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  if (latest !== undefined) return { conversationId: latest.id as ConversationId, leaf: (latest.leaf ?? null) as MessageId | null };
  return { conversationId: await currentConversationId(db, sessionId), leaf: null };
}

export async function conversationLeaf(db: Database, conversationId: ConversationId): Promise<MessageId | null> {
  const [row] = await db.select({ leaf: conversations.leafMessageId }).from(conversations).where(eq(conversations.id, conversationId));
  return (row?.leaf ?? null) as MessageId | null;
}

/** Makes `leaf` (null: nothing yet) the end of the branch the conversation continues from. */
export async function setConversationLeaf(db: Database, conversationId: ConversationId, leaf: MessageId | null): Promise<void> {
  await db.update(conversations).set({ leafMessageId: leaf }).where(eq(conversations.id, conversationId));
}

/** Messages by id, in the order of `ids`. */
async function messagesInOrder(db: Database, ids: readonly string[]): Promise<Message[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select(MESSAGE_COLUMNS)
    .from(messages)
    .where(inArray(messages.id, [...ids]));
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row === undefined ? [] : [toMessage(row)];
  });
}

/** Ids from a walk up the tree, nearest first, as the recursive queries below return them. */
function idsOf(result: { rows: unknown[] }): string[] {
  return (result.rows as { id: string }[]).map((row) => row.id);
}

/**
 * What a turn needs of the branch ending at `leaf`, oldest first: the messages after the newest
 * summary's boundary on that branch (compaction.ts), or the whole branch when none was summarised.
 * The walk stops at the boundary, so a compacted session reads only what it sends.
 */
export async function branchSinceSummary(db: Database, leaf: MessageId | null): Promise<Message[]> {
  if (leaf === null) return [];
  // A compaction's boundary is read from its stored JSON text without parsing it: JSON.stringify
  // writes the key unescaped and first, and a quote inside the summary is always escaped.
  const boundaryOf = (alias: string) =>
    sql.raw(
      `case when ${alias}.role = 'compaction' then substring(${alias}.content from '"summarized_through":"([0-9a-f-]{36})"')::uuid end`,
    );
  // One round trip: the walk picks the ids, the rows come with them (a woken session reads this
  // before its first request), and their order is the parent links', followed from the leaf.
  const rows = await db
    .select(MESSAGE_COLUMNS)
    .from(messages)
    .where(
      sql`${messages.id} in (
        with recursive branch(id, parent_id, boundary, depth) as (
          select m.id, m.parent_id, ${boundaryOf("m")}, 0 from ${messages} m where m.id = ${leaf}
          union all
          select m.id, m.parent_id, coalesce(b.boundary, ${boundaryOf("m")}), b.depth + 1
          from ${messages} m join branch b on m.id = b.parent_id
          where (b.boundary is null or m.id <> b.boundary) and b.depth < ${MAX_DEPTH}
        )
        select id from branch)`,
    );
  const byId = new Map(rows.map((row) => [row.id, row]));
  const branch: Message[] = [];
  for (let row = byId.get(leaf); row !== undefined; row = row.parentId === null ? undefined : byId.get(row.parentId)) {
    branch.push(toMessage(row));
    // A cycle (only corrupt data could make one) is walked once.
    byId.delete(row.id);
  }
  return branch.reverse();
}

/** Up to `limit` messages of the branch ending at `from` (inclusive), oldest first. */
export async function branchTail(db: Database, from: MessageId | null, limit: number): Promise<Message[]> {
  if (from === null || limit <= 0) return [];
  const result = await db.execute(sql`
    with recursive branch(id, parent_id, depth) as (
      select m.id, m.parent_id, 1 from ${messages} m where m.id = ${from}
      union all
      select m.id, m.parent_id, b.depth + 1 from ${messages} m join branch b on m.id = b.parent_id where b.depth < ${limit}
    )
    select id from branch order by depth desc`);
  return messagesInOrder(db, idsOf(result));
}

/** The newest message under `message` (itself when it has no replies): where a switch to it lands. */
export async function newestLeafUnder(db: Database, message: MessageId): Promise<MessageId> {
  const result = await db.execute(sql`
    with recursive below(id, created_at, depth) as (
      select m.id, m.created_at, 0 from ${messages} m where m.id = ${message}
      union all
      select m.id, m.created_at, b.depth + 1 from ${messages} m join below b on m.parent_id = b.id where b.depth < ${MAX_DEPTH}
    )
    select id from below order by created_at desc, id desc limit 1`);
  return (idsOf(result)[0] ?? message) as MessageId;
}

/** The messages of `role` that follow `parentId` (null: the conversation's first ones), oldest first. */
export async function childrenOf(
  db: Database,
  conversationId: ConversationId,
  parentId: MessageId | null,
  role: Message["role"],
): Promise<MessageId[]> {
  const rows = await db
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        parentId === null ? isNull(messages.parentId) : eq(messages.parentId, parentId),
        eq(messages.role, role),
      ),
    )
    .orderBy(messages.createdAt, messages.id);
  return rows.map((row) => row.id as MessageId);
}

/** A message of this session, or undefined. */
export async function sessionMessage(db: Database, sessionId: SessionId, id: MessageId): Promise<Message | undefined> {
  const [row] = await db
    .select(MESSAGE_COLUMNS)
    .from(messages)
    .where(and(eq(messages.id, id), eq(messages.sessionId, sessionId)));
  return row === undefined ? undefined : toMessage(row);
}

/**
 * Each message's alternatives: the messages with its parent and role (itself included), oldest
 * first, for those that have any. An edit is a user message beside the one it replaces; a
 * regenerated answer an assistant message beside the old answer.
 */
export async function siblingsOf(
  db: Database,
  conversationId: ConversationId,
  of: readonly Message[],
): Promise<Map<MessageId, MessageId[]>> {
  const siblings = new Map<MessageId, MessageId[]>();
  if (of.length === 0) return siblings;
  const parents = [...new Set(of.flatMap((message) => (message.parent_id === null ? [] : [message.parent_id])))];
  const hasRoot = of.some((message) => message.parent_id === null);
  const rows = await db
    .select({ id: messages.id, parentId: messages.parentId, role: messages.role })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        sql`(${parents.length > 0 ? inArray(messages.parentId, parents) : sql`false`} or ${hasRoot ? isNull(messages.parentId) : sql`false`})`,
      ),
    )
    .orderBy(messages.createdAt, messages.id);
  const groups = new Map<string, MessageId[]>();
  for (const row of rows) {
    const key = `${row.parentId ?? ""}/${row.role}`;
    groups.set(key, [...(groups.get(key) ?? []), row.id as MessageId]);
  }
  for (const message of of) {
    const group = groups.get(`${message.parent_id ?? ""}/${message.role}`) ?? [];
    if (group.length > 1) siblings.set(message.id, group);
  }
  return siblings;
}

/** The messages with their alternatives attached (`siblings`), for clients to offer "‹ 2 / 3 ›". */
export async function withSiblings(db: Database, conversationId: ConversationId, of: readonly Message[]): Promise<Message[]> {
  const siblings = await siblingsOf(db, conversationId, of);
  return of.map((message) => {
    const ids = siblings.get(message.id);
    return ids === undefined ? message : { ...message, siblings: ids };
  });
}

/** The newest `limit` messages of the branch in use, oldest first, with their alternatives. */
export async function recentBranch(db: Database, sessionId: SessionId, limit: number): Promise<Message[]> {
  const { conversationId, leaf } = await currentBranch(db, sessionId);
  return withSiblings(db, conversationId, await branchTail(db, leaf, limit));
}

/**
 * One page of the branch in use, newest first: the `limit` messages before `before` (a message id
 * on the branch) or the newest ones. Undefined when `before` is not a message of this session.
 */
export async function pageBranch(
  db: Database,
  sessionId: SessionId,
  page: { limit: number; before?: MessageId | undefined },
): Promise<MessagePageResult | undefined> {
  let from: MessageId | null;
  let conversationId: ConversationId;
  if (page.before === undefined) {
    ({ conversationId, leaf: from } = await currentBranch(db, sessionId));
  } else {
    const [cursor] = await db
      .select({ parentId: messages.parentId, conversationId: messages.conversationId })
      .from(messages)
      .where(and(eq(messages.id, page.before), eq(messages.sessionId, sessionId)));
    if (cursor === undefined) return undefined;
    from = cursor.parentId as MessageId | null;
    conversationId = cursor.conversationId as ConversationId;
  }
  const oldestFirst = await withSiblings(db, conversationId, await branchTail(db, from, page.limit));
  const oldest = oldestFirst[0];
  return { data: oldestFirst.reverse(), nextBefore: oldest !== undefined && oldest.parent_id !== null ? oldest.id : null };
}
