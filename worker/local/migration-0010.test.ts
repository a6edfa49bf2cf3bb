// Proves: migration 0010 (sessions bind a list of agents) keeps every session's agent: one bound
// by agent_id becomes a binding of that one, one bound to none stays unbound (the most recently
// seen connected agent), and templates start with no agents.
import type { Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MigrationDatabase, startMigrationDatabase } from "./migration-database.ts";

let database: MigrationDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await startMigrationDatabase("0010");
  pool = database.pool;
});

afterAll(async () => {
  await database?.close();
});

describe("migration 0010", () => {
  it("turns each session's agent_id into a binding of one, and none into none", async () => {
    await database.migrateBefore("0010_session_agents");
    const { rows: agents } = await pool.query<{ id: string }>(
      "insert into local_agents (name, token_hash) values ('laptop', 'h1') returning id",
    );
    const agentId = agents[0]?.id;
    const { rows: sessions } = await pool.query<{ id: string }>(
      "insert into sessions (title, provider, model, agent_id) values ('bound', 'anthropic', 'claude', $1), ('free', 'openai', 'gpt', null) returning id",
      [agentId],
    );
    await pool.query("insert into agent_templates (name, provider, model) values ('t', 'anthropic', 'claude')");

    await database.migrateAll();

    const { rows } = await pool.query<{ id: string; agent_ids: string[] }>("select id, agent_ids from sessions");
    expect(Object.fromEntries(rows.map((row) => [row.id, row.agent_ids]))).toEqual({
      [sessions[0]?.id ?? ""]: [agentId],
      [sessions[1]?.id ?? ""]: [],
    });
    const { rows: templates } = await pool.query<{ agent_ids: string[] }>("select agent_ids from agent_templates");
    expect(templates).toEqual([{ agent_ids: [] }]);
    const { rows: columns } = await pool.query(
      "select 1 from information_schema.columns where table_name = 'sessions' and column_name = 'agent_id'",
    );
    expect(columns).toEqual([]);
  });
});
