// Proves: remote MCP servers work from inside workerd with the real server-everything from npm,
// over Streamable HTTP and over SSE: their tools are listed as `<server>__<tool>` with the stored
// (encrypted) headers sent and never returned; a model's call reaches the server and its answer
// reaches the model and the audit, also under a name shortened to fit providers; a turn lists a server's tools once per five minutes (Redis
// cache); an unreachable server is a clear 502, costs a turn only that server's tools, and is
// not tried again for a minute (except by the test button).
import { type McpServer, modelToolName } from "@maestro/protocol";
import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import { api, client } from "../helpers/api.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { recordedRequests } from "../simulators/client.ts";

const SECRET = "mcp-secret-value-7f3a";

interface HostStats {
  methods: Record<string, number>;
  authorizations: string[];
  downHits: number;
}

async function hostStats(): Promise<HostStats> {
  return (await fetch(`${inject("mcpEverythingUrl")}/stats`)).json();
}

let serial = 0;
async function addServer(transport: "streamable_http" | "sse", url?: string, prefix = "everything"): Promise<McpServer> {
  serial += 1;
  const base = inject("mcpEverythingUrl");
  return client().mcpServers.create({
    name: `${prefix}-${transport.replace("_", "-")}-${serial}-${Date.now() % 100_000}`,
    transport,
    url: url ?? (transport === "sse" ? `${base}/sse` : `${base}/mcp`),
    headers: { Authorization: `Bearer ${SECRET}` },
  });
}

async function offeredTools(key: string, request = 0): Promise<string[]> {
  const requests = await recordedRequests(inject("simulatorUrl"), key);
  return (requests[request]?.body as { tools?: { name: string }[] }).tools?.map((tool) => tool.name) ?? [];
}

describe("remote MCP servers", () => {
  it.each(["streamable_http", "sse"] as const)("lists a server's tools over %s, sending its stored headers", async (transport) => {
    const server = await addServer(transport);
    const response = await api(`/mcp-servers/${server.id}/tools`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    const names = (JSON.parse(text) as { data: { name: string; server_tool: string }[] }).data.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining([`${server.name}__echo`, `${server.name}__get-sum`]));
    expect((await hostStats()).authorizations).toContain(`Bearer ${SECRET}`);
    expect(JSON.stringify(await client().mcpServers.list())).not.toContain(SECRET);
  });

  it("answers 502 MCP_UNAVAILABLE for a server that cannot be reached", async () => {
    const server = await addServer("streamable_http", "http://127.0.0.1:9/mcp");
    const response = await api(`/mcp-servers/${server.id}/tools`);
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({
      error: { code: "MCP_UNAVAILABLE", message: `Could not connect to the MCP server "${server.name}".` },
    });
  });

  it("runs a model's call on the server and feeds the answer back; the audit says mcp", async () => {
    const server = await addServer("streamable_http");
    const tool = `${server.name}__echo`;
    const { session, key } = await scriptedSession(
      [{ steps: [{ kind: "tool_calls", calls: [{ id: "toolu_e1", name: tool, args: { message: "hi from a model" } }] }] }, say("Echoed.")],
      { approval_mode: "auto", extra: { enabled_mcp: [server.name] } },
    );
    const answer = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "echo" }) });
    expect(await answer.json()).toMatchObject({ status: "completed" });
    expect(await offeredTools(key)).toContain(tool);
    const requests = await recordedRequests(inject("simulatorUrl"), key);
    const sentBack = (requests[1]?.body as { messages: { content: { type: string; content?: string }[] }[] }).messages.at(-1);
    expect(sentBack?.content[0]).toMatchObject({ type: "tool_result", content: "Echo: hi from a model" });
    const audit = await client().toolExecutions.list(session.id);
    expect(audit.data).toMatchObject([{ tool, source: "mcp", status: "ok", agent_id: null, result_summary: "Echo: hi from a model" }]);
  });

  it("masks our header's secret value when a server repeats it back, before the model, the clients or the audit see it", async () => {
    const server = await addServer("streamable_http");
    const tool = `${server.name}__echo`;
    const { session, key } = await scriptedSession(
      [
        { steps: [{ kind: "tool_calls", calls: [{ id: "toolu_leak", name: tool, args: { message: `the header was ${SECRET}` } }] }] },
        say("Done."),
      ],
      { approval_mode: "auto", extra: { enabled_mcp: [server.name] } },
    );
    const answer = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "echo" }) });
    expect(await answer.json()).toMatchObject({ status: "completed" });
    const requests = await recordedRequests(inject("simulatorUrl"), key);
    const sentBack = (requests[1]?.body as { messages: { content: { type: string; content?: string }[] }[] }).messages.at(-1);
    expect(sentBack?.content[0]).toMatchObject({ type: "tool_result", content: "Echo: the header was [redacted]" });
    const audit = await client().toolExecutions.list(session.id);
    expect(audit.data[0]?.result_summary).toBe("Echo: the header was [redacted]");
    const page = await client().messages.list(session.id, {});
    expect(JSON.stringify(page.data.filter((message) => message.role === "tool"))).not.toContain(SECRET);
  });

  it("offers a tool whose full name no provider accepts under a 64-character name, and still calls it", async () => {
    const server = await addServer("streamable_http", undefined, "team-knowledge-base-in-the-other-office");
    const tool = modelToolName(server.name, "echo");
    expect(`${server.name}__echo`.length).toBeGreaterThan(64);
    expect(tool).toMatch(/^[A-Za-z_][A-Za-z0-9_-]{63}$/);
    const listed = await client().mcpServers.tools(server.id);
    expect(listed.data).toContainEqual(expect.objectContaining({ name: tool, server_tool: "echo" }));

    const { session, key } = await scriptedSession(
      [{ steps: [{ kind: "tool_calls", calls: [{ id: "toolu_long", name: tool, args: { message: "long names" } }] }] }, say("Echoed.")],
      { approval_mode: "auto", extra: { enabled_mcp: [server.name] } },
    );
    const answer = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "echo" }) });
    expect(await answer.json()).toMatchObject({ status: "completed" });
    expect((await offeredTools(key)).filter((name) => name.length > 64)).toEqual([]);
    const audit = await client().toolExecutions.list(session.id);
    expect(audit.data).toMatchObject([{ tool, source: "mcp", status: "ok", result_summary: "Echo: long names" }]);
  });

  it("lists a server's tools once across turns (cached), and not at all for a session without it", async () => {
    const server = await addServer("streamable_http");
    const before = (await hostStats()).methods["tools/list"] ?? 0;
    const { session, key } = await scriptedSession([say("one"), say("two")], { extra: { enabled_mcp: [server.name] } });
    for (const text of ["first", "second"]) {
      const answer = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text }) });
      expect(answer.status).toBe(200);
    }
    expect(((await hostStats()).methods["tools/list"] ?? 0) - before).toBe(1);
    expect(await offeredTools(key, 1)).toContain(`${server.name}__echo`);

    const without = await scriptedSession([say("no mcp")], { extra: { enabled_mcp: [] } });
    await api(`/sessions/${without.session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "hi" }) });
    expect((await offeredTools(without.key)).some((name) => name.includes("__"))).toBe(false);
  });

  it("a turn goes on without an unreachable server's tools", async () => {
    const down = await addServer("streamable_http", "http://127.0.0.1:9/mcp");
    const up = await addServer("streamable_http");
    const { session, key } = await scriptedSession([say("Still here.")], { extra: { enabled_mcp: [down.name, up.name] } });
    const answer = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "hi" }) });
    expect(await answer.json()).toMatchObject({ status: "completed" });
    const offered = await offeredTools(key);
    expect(offered).toContain(`${up.name}__echo`);
    expect(offered.some((name) => name.startsWith(`${down.name}__`))).toBe(false);
  });

  it("remembers a failing server for a minute: later turns skip it, and the test button still tries it", async () => {
    const down = await addServer("streamable_http", `${inject("mcpEverythingUrl")}/down`);
    const before = (await hostStats()).downHits;
    const { session } = await scriptedSession([say("one"), say("two")], { extra: { enabled_mcp: [down.name] } });
    for (const text of ["first", "second"]) {
      const answer = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text }) });
      expect(await answer.json()).toMatchObject({ status: "completed" });
    }
    expect((await hostStats()).downHits - before).toBe(1);

    const tested = await api(`/mcp-servers/${down.id}/tools`);
    expect(tested.status).toBe(502);
    expect((await hostStats()).downHits - before).toBe(2);
  });
});
