// Proves: migration 0002 (JSON columns to text, free text escaped) applies with drizzle's migrator
// through Neon's driver, both to an empty database and to one already at 0001 that holds rows;
// those rows keep their data (jsonb's text is valid JSON that parses to the same value, U+E000 is
// doubled into safe-text.ts's escape and nothing else changes), and the columns take what jsonb
// refused. The codec itself is checked in workerd (test/db/safe-text.test.ts).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER, applyMigrations } from "./migrate.ts";
import { migrationsBefore } from "./migrations-before.ts";
import { configureNeonForNode } from "./neon-node.ts";
import { type LocalPostgres, startLocalPostgres } from "./postgres.ts";
import { type WsProxy, startWsProxy } from "./ws-proxy.ts";

const TEXT_NOW = [
  ["messages", "content"],
  ["messages", "raw_request"],
  ["messages", "raw_response"],
  ["tool_executions", "params"],
  ["tools", "input_schema"],
] as const;
const STILL_JSONB = [
  ["sessions", "enabled_tools"],
  ["agent_templates", "enabled_mcp"],
  ["local_agents", "roots"],
  ["mcp_servers", "header_names"],
] as const;

const ESCAPE = "\uE000";

let proxy: WsProxy;
let scratch: string;
const opened: { postgres: LocalPostgres; pool: Pool }[] = [];

beforeAll(async () => {
  proxy = await startWsProxy();
  configureNeonForNode(proxy.port);
  scratch = await mkdtemp(join(tmpdir(), "maestro-migrations-"));
});

afterAll(async () => {
  for (const { postgres, pool } of opened) {
    await pool.end();
    await postgres.close();
  }
  await proxy.close();
  await rm(scratch, { recursive: true, force: true });
});

async function freshDatabase(): Promise<{ databaseUrl: string; pool: Pool }> {
  const postgres = await startLocalPostgres({});
  const pool = new Pool({ connectionString: postgres.databaseUrl, max: 2 });
  opened.push({ postgres, pool });
  return { databaseUrl: postgres.databaseUrl, pool };
}

async function columnType(pool: Pool, table: string, column: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ data_type: string }>(
    "select data_type from information_schema.columns where table_name = $1 and column_name = $2",
    [table, column],
  );
  return rows[0]?.data_type;
}

async function expectMigratedColumnTypes(pool: Pool): Promise<void> {
  for (const [table, column] of TEXT_NOW) expect(await columnType(pool, table, column), `${table}.${column}`).toBe("text");
  for (const [table, column] of STILL_JSONB) expect(await columnType(pool, table, column), `${table}.${column}`).toBe("jsonb");
}

describe("migration 0002", () => {
  it("applies to an empty database, and its JSON columns then hold what jsonb refused", async () => {
    const { databaseUrl, pool } = await freshDatabase();
    await applyMigrations({ databaseUrl, proxyPort: proxy.port });
    await expectMigratedColumnTypes(pool);
    const { rows: applied } = await pool.query<{ count: string }>("select count(*) from drizzle.__drizzle_migrations");
    const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as { entries: unknown[] };
    expect(applied[0]?.count).toBe(String(journal.entries.length));

    // The exact text JSON.stringify writes for NUL, a lone surrogate and unsorted keys.
    const written = JSON.stringify({ zeta: "a\u0000b", alpha: { b: "\ud800", a: 1 } });
    const { rows } = await pool.query<{ input_schema: string }>(
      "insert into tools (name, description, kind, source, input_schema) values ('probe', 'd', 'read', 'local', $1) returning input_schema",
      [written],
    );
    expect(rows[0]?.input_schema).toBe(written);
  });

  it("converts a database at 0001 that holds rows, keeping their data", async () => {
    const { databaseUrl, pool } = await freshDatabase();
    await applyMigrations({
      databaseUrl,
      proxyPort: proxy.port,
      migrationsFolder: await migrationsBefore(scratch, "0002_byte_stable_text"),
    });
    expect(await columnType(pool, "messages", "content")).toBe("jsonb");

    const content = [{ type: "text", text: 'héllo "quoted"\n', extra: { zeta: 1, alpha: [true, null, 2.5] } }];
    const rawRequest = { url: "https://api.example.com/v1/messages", body: { model: "m", stream: true } };
    const params = { path: "/tmp/é", lines: [1, 2] };
    const inputSchema = { type: "object", properties: { path: { type: "string" } }, required: ["path"] };
    const title = `icons ${ESCAPE} and ${ESCAPE}${ESCAPE}\u{1F600}`;

    const { rows: sessionRows } = await pool.query<{ id: string }>(
      "insert into sessions (title, provider, model, enabled_tools) values ($1, 'anthropic', 'claude', $2) returning id",
      [title, JSON.stringify(["read_file"])],
    );
    const sessionId = sessionRows[0]?.id;
    await pool.query("insert into sessions (title, provider, model) values ('plain title', 'openai', 'gpt')");
    const { rows: conversationRows } = await pool.query<{ id: string }>("insert into conversations (session_id) values ($1) returning id", [
      sessionId,
    ]);
    await pool.query(
      "insert into messages (session_id, conversation_id, role, content, raw_request, raw_response, error) values ($1, $2, 'assistant', $3, $4, null, $5)",
      [sessionId, conversationRows[0]?.id, JSON.stringify(content), JSON.stringify(rawRequest), `failed ${ESCAPE}`],
    );
    await pool.query(
      "insert into tool_executions (session_id, call_id, tool_name, source, params, result_summary, status, duration_ms) values ($1, 'call_1', 'read_file', 'local', $2, 'ok', 'ok', 5)",
      [sessionId, JSON.stringify(params)],
    );
    await pool.query(
      "insert into tools (name, description, kind, source, input_schema) values ('deploy', 'Deploy it', 'execute', 'local', $1)",
      [JSON.stringify(inputSchema)],
    );

    await applyMigrations({ databaseUrl, proxyPort: proxy.port });
    await expectMigratedColumnTypes(pool);

    const { rows: messageRows } = await pool.query<{ content: string; raw_request: string; raw_response: string | null; error: string }>(
      "select content, raw_request, raw_response, error from messages",
    );
    const message = messageRows[0];
    expect(typeof message?.content).toBe("string");
    expect(JSON.parse(message?.content ?? "null")).toEqual(content);
    expect(JSON.parse(message?.raw_request ?? "null")).toEqual(rawRequest);
    expect(message?.raw_response).toBeNull();
    expect(message?.error).toBe(`failed ${ESCAPE}${ESCAPE}`);

    const { rows: executionRows } = await pool.query<{ params: string }>("select params from tool_executions");
    expect(JSON.parse(executionRows[0]?.params ?? "null")).toEqual(params);
    const { rows: toolRows } = await pool.query<{ input_schema: string }>("select input_schema from tools where name = 'deploy'");
    expect(JSON.parse(toolRows[0]?.input_schema ?? "null")).toEqual(inputSchema);

    // U+E000 doubled (safe-text.ts decodes it back to the title above); other text untouched.
    const { rows: titles } = await pool.query<{ title: string; enabled_tools: string[] | null }>(
      "select title, enabled_tools from sessions order by title",
    );
    expect(titles).toEqual([
      { title: `icons ${ESCAPE}${ESCAPE} and ${ESCAPE}${ESCAPE}${ESCAPE}${ESCAPE}\u{1F600}`, enabled_tools: ["read_file"] },
      { title: "plain title", enabled_tools: null },
    ]);

    // Applying again changes nothing: the U+E000s are not doubled twice.
    await applyMigrations({ databaseUrl, proxyPort: proxy.port });
    const { rows: again } = await pool.query<{ title: string }>("select title from sessions where id = $1", [sessionId]);
    expect(again[0]?.title).toBe(titles[0]?.title);
  });
});
