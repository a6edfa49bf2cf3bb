// Proves, against the real Postgres: the writes every turn makes are what the session's history,
// branch and totals need, in as few statements as that takes. A message the session has shown is
// stored once with the branch's end and the session's activity (one statement), and a credential's
// last use is written at most once a minute however many turns use it. The message a client is
// shown before it is stored is the one a read of its row gives back.
import { type ContentPart, MessageIdSchema, type SessionId, ToolCallIdSchema } from "@maestro/protocol";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { touchCredential } from "../../src/auth/credential-secret.ts";
import {
  currentConversationId,
  insertMessage,
  messageOf,
  type NewMessage,
  toMessage,
  writeMessageOnce,
} from "../../src/db/queries/messages.ts";
import { conversations, messages, savedAuthentications, sessions } from "../../src/db/schema.ts";
import { client } from "../helpers/api.ts";
import { withDb } from "../helpers/db.ts";

async function newSession(): Promise<SessionId> {
  return (await client().sessions.create({ provider: "anthropic", model: "claude-sonnet-4-5" })).id;
}

function message(sessionId: SessionId, conversationId: string, text: string, at: Date, parentId: string | null = null): NewMessage {
  const content: ContentPart[] = [{ type: "text", text }];
  return { id: crypto.randomUUID(), sessionId, conversationId, parentId, role: "user", content, createdAt: at };
}

describe("a shown message's write", () => {
  it("stores the message, moves the branch's end to it and records the session's activity", async () => {
    const sessionId = await newSession();
    const at = new Date("2026-12-01T10:00:00.000Z");
    const state = await withDb(async (db) => {
      const conversationId = await currentConversationId(db, sessionId);
      const first = message(sessionId, conversationId, "hello", at);
      await writeMessageOnce(db, first, { contextTokens: 1234 });
      const [stored] = await db.select().from(messages).where(eq(messages.id, first.id));
      const [conversation] = await db.select().from(conversations).where(eq(conversations.id, conversationId));
      const [session] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
      return { first, stored, conversation, session };
    });
    expect(state.stored?.content).toEqual([{ type: "text", text: "hello" }]);
    expect(state.conversation?.leafMessageId).toBe(state.first.id);
    expect(state.session?.lastActivityAt?.toISOString()).toBe(at.toISOString());
    expect(state.session?.contextTokens).toBe(1234);
  });

  it("stores every column as the ordinary insert does", async () => {
    const sessionId = await newSession();
    const credential = await client().credentials.create({
      provider: "anthropic",
      auth_type: "api_key",
      label: "cols",
      api_key: "sk-ant-cols-0000000000",
    });
    const rows = await withDb(async (db) => {
      const conversationId = await currentConversationId(db, sessionId);
      const parent = message(sessionId, conversationId, "question", new Date("2026-12-01T09:59:59.000Z"));
      await writeMessageOnce(db, parent);
      // Every column set, with what the free-text and JSON columns must keep (NUL, a lone surrogate, key order).
      const turnId = crypto.randomUUID();
      const full = (id: string): NewMessage => ({
        id,
        sessionId,
        conversationId,
        parentId: parent.id,
        turnId,
        role: "assistant",
        content: [{ type: "text", text: "nul:\u0000 lone:\uD800 done" }],
        status: "partial",
        provider: "anthropic",
        model: "model \u0000 name",
        credentialId: credential.id,
        rawRequest: { z: 1, a: { y: 2, b: 3 } },
        rawResponse: { status: 200 },
        inputTokens: 10,
        outputTokens: 20,
        cacheReadTokens: 3,
        cacheWriteTokens: 4,
        totalCostUsd: "0.00012345",
        latencyMs: 1234,
        timeToFirstTokenMs: 56,
        stopReason: "max_tokens",
        error: "cut \uDC00 short",
        isCopy: true,
        createdAt: new Date("2026-12-01T10:00:00.123Z"),
      });
      const [viaWrite, viaInsert] = [full(crypto.randomUUID()), full(crypto.randomUUID())];
      await writeMessageOnce(db, viaWrite);
      await insertMessage(db, viaInsert);
      const read = async (id: string) => (await db.select().from(messages).where(eq(messages.id, id)))[0];
      return { written: await read(viaWrite.id), inserted: await read(viaInsert.id) };
    });
    if (rows.written === undefined || rows.inserted === undefined) throw new Error("a row was not stored");
    const { id: _written, ...written } = rows.written;
    const { id: _inserted, ...inserted } = rows.inserted;
    expect(written).toEqual(inserted);
    expect(JSON.stringify(written.rawRequest)).toBe(JSON.stringify({ z: 1, a: { y: 2, b: 3 } }));
    expect(written.isCopy).toBe(true);
  });

  it("is shown as a read of the stored row gives it back, with every kind of content part", async () => {
    const sessionId = await newSession();
    const callId = ToolCallIdSchema.parse("toolu_01shown");
    const content: ContentPart[] = [
      { type: "thinking", text: "weigh it", signature: "sig-1" },
      { type: "redacted_thinking", data: "opaque" },
      { type: "text", text: "nul:\u0000 lone:\uD800", signature: "thought-sig" },
      { type: "refusal", text: "not that" },
      { type: "tool_call", call_id: callId, name: "read_file", args: { path: "a.txt", n: 1 }, args_json: '{"path":"a.txt","n":1.0}' },
      {
        type: "tool_result",
        call_id: callId,
        name: "read_file",
        ok: false,
        output: "denied",
        error_code: "PERMISSION_DENIED",
        duration_ms: 3,
        wait_ms: 40,
        machine: "laptop",
      },
      {
        type: "compaction",
        trigger: "manual",
        pruned_through: null,
        summarized_through: MessageIdSchema.parse(crypto.randomUUID()),
        summary: "so far",
        tokens_before: 900,
        tokens_after: 100,
        instructions: "keep the paths",
      },
    ];
    const { shown, read } = await withDb(async (db) => {
      const conversationId = await currentConversationId(db, sessionId);
      const user = message(sessionId, conversationId, "question", new Date("2026-12-01T10:00:00.000Z"));
      const answer: NewMessage = {
        id: crypto.randomUUID(),
        sessionId,
        conversationId,
        parentId: user.id,
        turnId: crypto.randomUUID(),
        role: "assistant",
        content,
        status: "complete",
        provider: "anthropic",
        model: "claude-sonnet-4-5",
        inputTokens: 10,
        outputTokens: 20,
        cacheReadTokens: 3,
        cacheWriteTokens: 0,
        totalCostUsd: "0.00012345",
        latencyMs: 1234,
        timeToFirstTokenMs: 56,
        stopReason: "tool_use",
        createdAt: new Date("2026-12-01T10:00:01.250Z"),
      };
      const shown = [messageOf(user), messageOf(answer)];
      for (const row of [user, answer]) await writeMessageOnce(db, row);
      const stored = await db.select().from(messages).where(eq(messages.sessionId, sessionId));
      const byId = new Map(stored.map((row) => [row.id, row]));
      return { shown, read: shown.map((each) => toMessage(byId.get(each.id)!)) };
    });
    expect(shown).toStrictEqual(read);
  });

  it("written again (its outbox note outlived the write, and a restart found it) changes nothing", async () => {
    const sessionId = await newSession();
    const state = await withDb(async (db) => {
      const conversationId = await currentConversationId(db, sessionId);
      const first = message(sessionId, conversationId, "first", new Date("2026-12-01T10:00:00.000Z"));
      const second = message(sessionId, conversationId, "second", new Date("2026-12-01T10:00:01.000Z"), first.id);
      await writeMessageOnce(db, first, { contextTokens: 10 });
      await writeMessageOnce(db, second, { contextTokens: 20 });
      const [before] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
      // The first again, with other content and a later time: the row, the branch's end and the
      // session stay as the second write left them.
      await writeMessageOnce(
        db,
        { ...first, content: [{ type: "text", text: "changed" }], createdAt: new Date("2026-12-01T11:00:00.000Z") },
        { contextTokens: 99 },
      );
      const rows = await db.select().from(messages).where(eq(messages.sessionId, sessionId));
      const [conversation] = await db.select().from(conversations).where(eq(conversations.id, conversationId));
      const [session] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
      return { first, second, rows, conversation, session, before };
    });
    expect(state.rows).toHaveLength(2);
    expect(state.rows.find((row) => row.id === state.first.id)?.content).toEqual([{ type: "text", text: "first" }]);
    expect(state.conversation?.leafMessageId).toBe(state.second.id);
    expect(state.session?.contextTokens).toBe(20);
    expect(state.session?.lastActivityAt).toEqual(state.before?.lastActivityAt);
  });

  it("leaves everything as it was when the message cannot be stored", async () => {
    const sessionId = await newSession();
    const outcome = await withDb(async (db) => {
      const conversationId = await currentConversationId(db, sessionId);
      const [before] = await db.select().from(conversations).where(eq(conversations.id, conversationId));
      const [sessionBefore] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
      // A parent that does not exist: the insert fails, and with it the statement as a whole.
      const orphan = message(sessionId, conversationId, "x", new Date("2026-12-02T00:00:00.000Z"), crypto.randomUUID());
      const error = await writeMessageOnce(db, orphan, { contextTokens: 99 }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      const [after] = await db.select().from(conversations).where(eq(conversations.id, conversationId));
      const [sessionAfter] = await db.select().from(sessions).where(eq(sessions.id, sessionId));
      const rows = await db.select().from(messages).where(eq(messages.sessionId, sessionId));
      return { error, before, after, sessionBefore, sessionAfter, rows };
    });
    expect(outcome.error).toBeInstanceOf(Error);
    expect(outcome.after?.leafMessageId).toBe(outcome.before?.leafMessageId);
    expect(outcome.sessionAfter?.lastActivityAt).toEqual(outcome.sessionBefore?.lastActivityAt);
    expect(outcome.sessionAfter?.contextTokens).toBe(outcome.sessionBefore?.contextTokens);
    expect(outcome.rows).toHaveLength(0);
  });
});

describe("a credential's last use", () => {
  it("is written at most once a minute, however many turns use it", async () => {
    const credential = await client().credentials.create({
      provider: "anthropic",
      auth_type: "api_key",
      label: "busy",
      api_key: "sk-ant-busy-0000000000",
    });
    const lastUsed = () =>
      withDb(async (db) => {
        const [row] = await db.select().from(savedAuthentications).where(eq(savedAuthentications.id, credential.id));
        return row?.lastUsedAt?.getTime() ?? null;
      });
    const start = Date.parse("2026-12-01T10:00:00.000Z");
    await withDb((db) => touchCredential(db, credential.id, start));
    expect(await lastUsed()).toBe(start);
    await withDb((db) => touchCredential(db, credential.id, start + 59_000));
    expect(await lastUsed()).toBe(start);
    await withDb((db) => touchCredential(db, credential.id, start + 60_000));
    expect(await lastUsed()).toBe(start + 60_000);
  });
});
