// Proves: migration 0005 (the message tree) turns the messages a database already holds into one
// branch per conversation, in the order they were written, with each conversation's newest
// message as the leaf — so a session stored before branches existed loads exactly as it did.
import type { Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MigrationDatabase, startMigrationDatabase } from "./migration-database.ts";

let database: MigrationDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await startMigrationDatabase("0005");
  pool = database.pool;
});

afterAll(async () => {
  await database?.close();
});

describe("migration 0005", () => {
  it("chains each conversation's existing messages in written order and makes the newest its leaf", async () => {
    await database.migrateBefore("0005_message_tree");
    const { rows: sessions } = await pool.query<{ id: string }>(
      "insert into sessions (title, provider, model) values ('a', 'anthropic', 'claude'), ('b', 'openai', 'gpt') returning id",
    );
    const conversationOf = new Map<string, string>();
    for (const { id } of sessions) {
      const { rows } = await pool.query<{ id: string }>("insert into conversations (session_id) values ($1) returning id", [id]);
      conversationOf.set(id, rows[0]?.id ?? "");
    }
    const [first, second] = sessions.map((session) => session.id);
    // Written out of order, with two rows at the same instant (ties are broken by id).
    const rows: [string | undefined, string, number][] = [
      [first, "u1", 0],
      [second, "x1", 0],
      [first, "a1", 1],
      [first, "u2", 2],
      [first, "a2", 2],
    ];
    const ids = new Map<string, string>();
    for (const [sessionId, label, at] of rows.toReversed()) {
      const { rows: inserted } = await pool.query<{ id: string }>(
        "insert into messages (session_id, conversation_id, role, content, created_at) values ($1, $2, 'user', $3, to_timestamp($4)) returning id",
        [sessionId, conversationOf.get(sessionId ?? ""), JSON.stringify([{ type: "text", text: label }]), 1_800_000_000 + at],
      );
      ids.set(label, inserted[0]?.id ?? "");
    }

    await database.migrateAll();

    const { rows: messages } = await pool.query<{ id: string; parent_id: string | null; conversation_id: string }>(
      "select id, parent_id, conversation_id from messages order by created_at, id",
    );
    const parentOf = new Map(messages.map((message) => [message.id, message.parent_id]));
    // u2 and a2 were written in the same instant: their ids decide which comes first.
    const [u2, a2] = [ids.get("u2") ?? "", ids.get("a2") ?? ""].sort();
    expect(parentOf.get(ids.get("u1") ?? "")).toBeNull();
    expect(parentOf.get(ids.get("a1") ?? "")).toBe(ids.get("u1"));
    expect(parentOf.get(u2 ?? "")).toBe(ids.get("a1"));
    expect(parentOf.get(a2 ?? "")).toBe(u2);
    expect(parentOf.get(ids.get("x1") ?? "")).toBeNull();

    const { rows: leaves } = await pool.query<{ id: string; leaf_message_id: string | null }>(
      "select id, leaf_message_id from conversations",
    );
    expect(Object.fromEntries(leaves.map((row) => [row.id, row.leaf_message_id]))).toEqual({
      [conversationOf.get(first ?? "") ?? ""]: a2,
      [conversationOf.get(second ?? "") ?? ""]: ids.get("x1"),
    });
  });
});
