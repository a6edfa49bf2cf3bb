// Proves: migration 0007 (the generated search vector and its GIN index) applies with drizzle's
// migrator through Neon's driver to a database that already holds messages — ones whose JSON holds
// the escapes jsonb refuses (NUL, a lone surrogate), a signature, and a 1 MiB tool output — and
// indexes each of them by its readable words only; afterwards such messages are still stored, and
// its functions are IMMUTABLE, as a generated column requires.
import type { Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MigrationDatabase, startMigrationDatabase } from "./migration-database.ts";

let database: MigrationDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await startMigrationDatabase("0007");
  pool = database.pool;
});

afterAll(async () => {
  await database?.close();
});

/** About 1 MiB of distinct made-up words and paths, as a huge grep output might be. */
function hugeOutput(): string {
  const words: string[] = [];
  let length = 0;
  for (let index = 0; length < 1_000_000; index += 1) {
    const pair = `w${index.toString(36)} src/m${index.toString(36)}.ts`;
    words.push(pair);
    length += pair.length + 1;
  }
  return `${words.join(" ")} needleatend`;
}

async function insertMessage(conversation: { sessionId: string; id: string }, content: unknown): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    "insert into messages (session_id, conversation_id, role, content) values ($1, $2, 'tool', $3) returning id",
    [conversation.sessionId, conversation.id, JSON.stringify(content)],
  );
  return rows[0]?.id ?? "";
}

async function matches(query: string): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    "select id from messages where search @@ websearch_to_tsquery('english'::regconfig, $1) order by created_at, id",
    [query],
  );
  return rows.map((row) => row.id);
}

describe("migration 0007", () => {
  it("indexes the messages already stored by their readable words, and stores new ones of any size", async () => {
    await database.migrateBefore("0007_message_search");
    const { rows: sessions } = await pool.query<{ id: string }>(
      "insert into sessions (title, provider, model) values ('t', 'anthropic', 'claude') returning id",
    );
    const sessionId = sessions[0]?.id ?? "";
    const { rows: conversations } = await pool.query<{ id: string }>("insert into conversations (session_id) values ($1) returning id", [
      sessionId,
    ]);
    const conversation = { sessionId, id: conversations[0]?.id ?? "" };
    const withNul = await insertMessage(conversation, [{ type: "text", text: "before\u0000nulword and a lone \ud800 surrogateword" }]);
    const signed = await insertMessage(conversation, [{ type: "thinking", text: "plain thoughts", signature: "sigword" }]);
    const huge = await insertMessage(conversation, [{ type: "tool_result", call_id: "c", name: "grep", ok: true, output: hugeOutput() }]);

    await database.migrateAll();
    expect(await matches("nulword")).toEqual([withNul]);
    expect(await matches("surrogateword")).toEqual([withNul]);
    expect(await matches("thoughts")).toEqual([signed]);
    expect(await matches("sigword")).toEqual([]);
    expect(await matches("w1")).toEqual([huge]);
    // Cut at 100,000 characters: the far end of a huge output is not indexed (and the insert did not fail).
    expect(await matches("needleatend")).toEqual([]);

    const later = await insertMessage(conversation, [{ type: "tool_result", call_id: "d", name: "grep", ok: true, output: hugeOutput() }]);
    expect(await matches("src/m1.ts")).toEqual([huge, later]);
    expect(await matches("m1")).toEqual([huge, later]);

    const { rows: functions } = await pool.query<{ proname: string; provolatile: string }>(
      "select proname, provolatile from pg_proc where proname like 'maestro_message_search_%' order by proname",
    );
    expect(functions).toEqual([
      { proname: "maestro_message_search_text", provolatile: "i" },
      { proname: "maestro_message_search_vector", provolatile: "i" },
    ]);
  });
});
