// Proves: the tool registry decides what a model is offered — a tool disabled globally is offered
// to no session, a session's `enabled_tools` narrows the list further — and a tool's own
// `approval: "ask"` stops it for approval even in a session whose mode would run it freely.
import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import { api, client } from "../helpers/api.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket } from "../helpers/socket.ts";
import { recordedRequests } from "../simulators/client.ts";

async function offered(key: string): Promise<string[]> {
  const [first] = await recordedRequests(inject("simulatorUrl"), key);
  return ((first?.body as { tools?: { name: string }[] }).tools ?? []).map((tool) => tool.name);
}

async function toolNamed(name: string) {
  const tool = (await client().tools.list()).data.find((each) => each.name === name);
  if (tool === undefined) throw new Error(`no ${name} in the registry`);
  return tool;
}

async function ask(sessionId: string): Promise<void> {
  const response = await api(`/sessions/${sessionId}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "hi" }) });
  expect(response.status).toBe(200);
}

describe("the tool registry", () => {
  it("offers every enabled tool, minus those disabled globally, narrowed by the session", async () => {
    const grep = await toolNamed("grep");
    const all = await scriptedSession([say("all")]);
    await ask(all.session.id);
    expect(await offered(all.key)).toEqual(expect.arrayContaining(["read_file", "grep", "run_shell_command", "fetch_url"]));

    await client().tools.update(grep.id, { is_enabled: false });
    try {
      const withoutGrep = await scriptedSession([say("no grep")]);
      await ask(withoutGrep.session.id);
      const names = await offered(withoutGrep.key);
      expect(names).toContain("read_file");
      expect(names).not.toContain("grep");
    } finally {
      await client().tools.update(grep.id, { is_enabled: true });
    }

    // MCP tools are narrowed separately, by enabled_mcp.
    const narrow = await scriptedSession([say("narrow")], { enabled_tools: ["read_file", "grep"], extra: { enabled_mcp: [] } });
    await ask(narrow.session.id);
    expect((await offered(narrow.key)).sort()).toEqual(["grep", "read_file"]);
  });

  it("a tool set to ask waits for approval even in auto mode", async () => {
    const fetchUrl = await toolNamed("fetch_url");
    await client().tools.update(fetchUrl.id, { approval: "ask" });
    try {
      const { session } = await scriptedSession(
        [
          { steps: [{ kind: "tool_calls", calls: [{ id: "toolu_f", name: "fetch_url", args: { url: "http://127.0.0.1:9/" } }] }] },
          say("ok"),
        ],
        { approval_mode: "auto" },
      );
      const web = await joinSocket(session.id, "web");
      web.send({ type: "send", text: "fetch" });
      expect(await web.next("approval_request")).toMatchObject({ call_id: "toolu_f", tool: "fetch_url" });
      web.send({ type: "approve", call_id: "toolu_f", decision: "deny" });
      expect((await web.next("turn_end")).status).toBe("completed");
      web.close();
    } finally {
      await client().tools.update(fetchUrl.id, { approval: "default" });
    }
  });
});
