// Proves: templates, tools (seeded with the built-ins), MCP servers and local agents can be
// created, listed, updated and deleted; secrets in MCP headers and agent tokens never come back.
import { BUILTIN_TOOLS } from "@maestro/protocol";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { hashAgentToken } from "../../src/auth/agent-token.ts";
import { conversations, localAgents, mcpServers, messages } from "../../src/db/schema.ts";
import { api, client } from "../helpers/api.ts";
import { withDb } from "../helpers/db.ts";

describe("templates", () => {
  it("create, list, read, update, delete", async () => {
    const template = await client().templates.create({ name: "Planner", provider: "gemini", model: "gemini-2.5-pro" });
    expect(template).toMatchObject({ name: "Planner", description: "", approval_mode: "ask", enabled_tools: null });
    expect((await client().templates.list()).data.map((found) => found.id)).toContain(template.id);
    const updated = await client().templates.update(template.id, { description: "Plans work", approval_mode: "auto" });
    expect(updated).toMatchObject({ description: "Plans work", approval_mode: "auto" });
    expect(await client().templates.get(template.id)).toEqual(updated);
    expect(await client().templates.delete(template.id)).toEqual({ id: template.id, deleted: true });
    expect((await api(`/templates/${template.id}`)).status).toBe(404);
  });
});

describe("tools", () => {
  it("lists every built-in tool, seeded from the protocol's definitions", async () => {
    const { data } = await client().tools.list();
    for (const [name, spec] of Object.entries(BUILTIN_TOOLS)) {
      const tool = data.find((found) => found.name === name);
      expect(tool, name).toMatchObject({
        builtin: true,
        kind: spec.kind,
        description: spec.description,
        source: "local",
        is_enabled: true,
      });
      expect(tool?.input_schema).toMatchObject({ type: "object" });
    }
  });

  it("disables a built-in and changes its approval, and the choice survives the next sync", async () => {
    const readFile = (await client().tools.list()).data.find((tool) => tool.name === "read_file");
    if (readFile === undefined) throw new Error("read_file missing");
    await client().tools.update(readFile.id, { is_enabled: false, approval: "ask" });
    const again = (await client().tools.list()).data.find((tool) => tool.name === "read_file");
    expect(again).toMatchObject({ is_enabled: false, approval: "ask", description: BUILTIN_TOOLS.read_file.description });
    await client().tools.update(readFile.id, { is_enabled: true, approval: "default" });
  });

  it("refuses to delete a built-in or rewrite its description", async () => {
    const shell = (await client().tools.list()).data.find((tool) => tool.name === "run_shell_command");
    if (shell === undefined) throw new Error("run_shell_command missing");
    const remove = await api(`/tools/${shell.id}`, { method: "DELETE" });
    expect(remove.status).toBe(409);
    expect(await remove.json()).toMatchObject({ error: { code: "TOOL_BUILTIN" } });
    const rewrite = await api(`/tools/${shell.id}`, { method: "PATCH", body: JSON.stringify({ description: "harmless" }) });
    expect(rewrite.status).toBe(409);
  });

  it("creates, updates and deletes a custom tool; a taken name is a conflict", async () => {
    const name = `deploy_${crypto.randomUUID().slice(0, 6)}`;
    const tool = await client().tools.create({
      name,
      description: "Deploy the app",
      kind: "execute",
      source: "local",
      input_schema: { type: "object" },
    });
    expect(tool).toMatchObject({ name, builtin: false, approval: "default" });
    const duplicate = await api("/tools", {
      method: "POST",
      body: JSON.stringify({ name, description: "x", kind: "read", source: "local", input_schema: {} }),
    });
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toMatchObject({ error: { code: "CONFLICT", fields: [{ field: "name" }] } });
    const builtinName = await api("/tools", {
      method: "POST",
      body: JSON.stringify({ name: "grep", description: "x", kind: "read", source: "local", input_schema: {} }),
    });
    expect(builtinName.status).toBe(409);
    expect(await client().tools.update(tool.id, { description: "Deploy to staging" })).toMatchObject({ description: "Deploy to staging" });
    expect(await client().tools.delete(tool.id)).toEqual({ id: tool.id, deleted: true });
  });
});

describe("MCP servers", () => {
  it("stores headers sealed and shows only their names", async () => {
    const name = `ctx-${crypto.randomUUID().slice(0, 6)}`;
    const headerSecret = "Bearer mcp-SECRET-token-998877";
    const response = await api("/mcp-servers", {
      method: "POST",
      body: JSON.stringify({
        name,
        transport: "streamable_http",
        url: "https://mcp.example.com/mcp",
        headers: { Authorization: headerSecret },
      }),
    });
    expect(response.status).toBe(201);
    const text = await response.text();
    expect(text).not.toContain("SECRET");
    const server = JSON.parse(text) as { id: string };
    expect(JSON.parse(text)).toMatchObject({ name, header_names: ["Authorization"], is_enabled: true });
    const [row] = await withDb((db) => db.select().from(mcpServers).where(eq(mcpServers.id, server.id)));
    expect(row?.headersSecret).toMatch(/^mae1\.k2\./);

    const listed = await api("/mcp-servers");
    expect(await listed.text()).not.toContain("SECRET");
    const updated = await client().mcpServers.update(server.id as never, { is_enabled: false, headers: null });
    expect(updated).toMatchObject({ is_enabled: false, header_names: [] });
    const duplicate = await api("/mcp-servers", {
      method: "POST",
      body: JSON.stringify({ name, transport: "sse", url: "https://x.example/sse" }),
    });
    expect(duplicate.status).toBe(409);
    expect(await client().mcpServers.delete(server.id as never)).toEqual({ id: server.id, deleted: true });
  });
});

describe("local agents", () => {
  // Names are unique among live agents and every test file shares one database: each name here is fresh.
  const fresh = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}`;

  it("returns the token once and keeps only its hash", async () => {
    const name = fresh("laptop");
    const created = await client().agents.create({ name });
    expect(created.token).toMatch(/^mae_agent_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name, connected: false, roots: [], revoked_at: null });
    const [row] = await withDb((db) => db.select().from(localAgents).where(eq(localAgents.id, created.id)));
    expect(row?.tokenHash).toBe(await hashAgentToken(created.token));
    expect(row?.tokenHash).not.toContain(created.token);
    const listed = await api("/agents");
    expect(await listed.text()).not.toContain(created.token);
  });

  it("renames and revokes an agent", async () => {
    const created = await client().agents.create({ name: fresh("desktop") });
    const renamed = fresh("workstation");
    expect(await client().agents.update(created.id, { name: renamed })).toMatchObject({ name: renamed });
    expect(await client().agents.delete(created.id)).toEqual({ id: created.id, deleted: true });
    const agent = (await client().agents.list()).data.find((found) => found.id === created.id);
    expect(agent?.revoked_at).toEqual(expect.any(String));
    expect((await api(`/agents/${created.id}`, { method: "DELETE" })).status).toBe(404);
  });
});

describe("usage", () => {
  it("sums assistant messages by day, provider and model", async () => {
    const session = await client().sessions.create({ provider: "anthropic", model: "claude-sonnet-4-5" });
    await withDb(async (db) => {
      const [conversation] = await db.select().from(conversations).where(eq(conversations.sessionId, session.id));
      if (conversation === undefined) throw new Error("no conversation");
      const base = { sessionId: session.id, conversationId: conversation.id, role: "assistant" as const, content: [] };
      await db.insert(messages).values([
        {
          ...base,
          provider: "anthropic",
          model: "claude-sonnet-4-5",
          inputTokens: 100,
          outputTokens: 10,
          cacheReadTokens: 50,
          cacheWriteTokens: 5,
          totalCostUsd: "0.25",
          createdAt: new Date("2021-03-01T10:00:00Z"),
        },
        {
          ...base,
          provider: "anthropic",
          model: "claude-sonnet-4-5",
          inputTokens: 200,
          outputTokens: 20,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          totalCostUsd: "0.5",
          createdAt: new Date("2021-03-01T23:59:00Z"),
        },
        {
          ...base,
          provider: "gemini",
          model: "gemini-2.5-pro",
          inputTokens: 1,
          outputTokens: 2,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          totalCostUsd: "0.125",
          createdAt: new Date("2021-03-02T00:00:00Z"),
        },
        { ...base, role: "user" as const, createdAt: new Date("2021-03-02T00:00:00Z") },
      ]);
    });
    const report = await client().usage({ from: "2021-03-01", to: "2021-03-02", group_by: "day,provider" });
    expect(report.rows).toEqual([
      {
        day: "2021-03-01",
        provider: "anthropic",
        messages: 2,
        input_tokens: 300,
        output_tokens: 30,
        cache_read_tokens: 50,
        cache_write_tokens: 5,
        cost_usd: 0.75,
      },
      {
        day: "2021-03-02",
        provider: "gemini",
        messages: 1,
        input_tokens: 1,
        output_tokens: 2,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        cost_usd: 0.125,
      },
    ]);
    expect(report.totals).toEqual({
      messages: 3,
      input_tokens: 301,
      output_tokens: 32,
      cache_read_tokens: 50,
      cache_write_tokens: 5,
      cost_usd: 0.875,
    });
    const byModel = await client().usage({ from: "2021-03-01", to: "2021-03-01", group_by: "model" });
    expect(byModel.rows).toEqual([
      {
        model: "claude-sonnet-4-5",
        messages: 2,
        input_tokens: 300,
        output_tokens: 30,
        cache_read_tokens: 50,
        cache_write_tokens: 5,
        cost_usd: 0.75,
      },
    ]);
    const withUsage = await client().sessions.get(session.id);
    expect(withUsage).toMatchObject({
      usage: { input_tokens: 301, output_tokens: 32, cache_read_tokens: 50, cache_write_tokens: 5 },
      cost_usd: 0.875,
    });
  });

  it("answers an empty report for a range with no assistant messages", async () => {
    const report = await client().usage({ from: "2020-01-01", to: "2020-01-31", group_by: "day,provider,model" });
    expect(report).toEqual({
      from: "2020-01-01",
      to: "2020-01-31",
      group_by: ["day", "provider", "model"],
      rows: [],
      totals: { messages: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, cost_usd: 0 },
    });
  });
});
