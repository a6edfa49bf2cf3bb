// Proves: migration 0010 (sessions bind a list of agents) keeps every session's agent: one bound
// by agent_id becomes a binding of that one, one bound to none stays unbound (the most recently
// seen connected agent), and templates start with no agents.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "./migrate.ts";
import { migrationsBefore } from "./migrations-before.ts";
import { configureNeonForNode } from "./neon-node.ts";
import { type LocalPostgres, startLocalPostgres } from "./postgres.ts";
import { type WsProxy, startWsProxy } from "./ws-proxy.ts";

let proxy: WsProxy;
let scratch: string;
let postgres: LocalPostgres;
let pool: Pool;

beforeAll(async () => {
  proxy = await startWsProxy();
  configureNeonForNode(proxy.port);
  scratch = await mkdtemp(join(tmpdir(), "maestro-migration-0010-"));
  postgres = await startLocalPostgres({});
  pool = new Pool({ connectionString: postgres.databaseUrl, max: 2 });
});

afterAll(async () => {
  await pool?.end();
  await postgres?.close();
  await proxy?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe("migration 0010", () => {
  it("turns each session's agent_id into a binding of one, and none into none", async () => {
    const { databaseUrl } = postgres;
    await applyMigrations({ databaseUrl, proxyPort: proxy.port, migrationsFolder: await migrationsBefore(scratch, "0010_session_agents") });
    const { rows: agents } = await pool.query<{ id: string }>(
      "insert into local_agents (name, token_hash) values ('laptop', 'h1') returning id",
    );
    const agentId = agents[0]?.id;
    const { rows: sessions } = await pool.query<{ id: string }>(
      "insert into sessions (title, provider, model, agent_id) values ('bound', 'anthropic', 'claude', $1), ('free', 'openai', 'gpt', null) returning id",
      [agentId],
    );
    await pool.query("insert into agent_templates (name, provider, model) values ('t', 'anthropic', 'claude')");

    await applyMigrations({ databaseUrl, proxyPort: proxy.port });

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
