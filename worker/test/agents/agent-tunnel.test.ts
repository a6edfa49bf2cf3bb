// Proves: the local-agent tunnel end to end inside the Worker, with a hand-driven agent. Wrong,
// missing and revoked tokens are refused; register makes the agent "connected" with its roots;
// a session's local tool call reaches the agent (params, cwd, deadline, the budget left), its
// progress and result reach every client and the model, and the audit names the agent; an
// offline agent fails fast; a call, its progress and its result store nothing in the agent's
// object (so no disk commit holds the answer back) while a pong still keeps the agent present;
// a call survives a reconnect (re-sent unless the agent says it still holds it, and not re-sent
// when it edits or executes and went to an agent process that has since restarted); cancel and
// deadlines reach the agent; revoking closes the tunnel; bad frames close it.
import { AgentIdSchema, TunnelCallIdSchema } from "@maestro/protocol";
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import { AGENT_ID_HEADER } from "../../src/agents/agent-do.ts";
import { agentStub } from "../../src/agents/agent-port.ts";
import { api, client } from "../helpers/api.ts";
import { connectAgent, createAgent, dialTunnel, registerFrame, waitUntilConnected } from "../helpers/fake-agent.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket } from "../helpers/socket.ts";
import { recordedRequests } from "../simulators/client.ts";
import { waitForTurn } from "../helpers/turns.ts";

const readCall = (id: string, path = "src/app.ts") => ({
  steps: [{ kind: "tool_calls" as const, calls: [{ id, name: "read_file", args: { path } }] }],
});

/** What the model was sent back for the last tool call (Anthropic wire format). */
async function lastToolResult(key: string): Promise<{ content?: string; is_error?: boolean } | undefined> {
  const requests = await recordedRequests(inject("simulatorUrl"), key);
  const body = requests.at(-1)?.body as { messages: { content: { type: string; content?: string; is_error?: boolean }[] }[] };
  return body.messages.at(-1)?.content.find((part) => part.type === "tool_result");
}

async function sessionOn(agentId: string, turns: Parameters<typeof scriptedSession>[0], cwd = "/home/dev/project") {
  return scriptedSession(turns, { approval_mode: "auto", extra: { agent_id: AgentIdSchema.parse(agentId), working_directory: cwd } });
}

describe("agent tunnel: who may connect", () => {
  it("refuses a missing, wrong or revoked token, and a plain HTTP request", async () => {
    const agent = await createAgent();
    for (const token of [null, "mae_agent_wrongwrongwrongwrongwrongwrongwrong1234"]) {
      const response = await dialTunnel(token);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: { code: "UNAUTHORIZED", message: "Missing, invalid or revoked agent token." } });
    }
    const plain = await api("/agents/connect", { token: agent.token });
    expect(plain.status).toBe(426);

    await client().agents.delete(AgentIdSchema.parse(agent.id));
    const revoked = await dialTunnel(agent.token);
    expect(revoked.status).toBe(401);
    expect(await revoked.text()).not.toContain(agent.token);
  });

  it("the API token is not an agent token", async () => {
    expect((await dialTunnel(env.MAESTRO_API_TOKEN ?? "missing")).status).toBe(401);
  });
});

describe("agent tunnel: registration", () => {
  it("shows the agent connected with what it registered, and disconnected when it leaves", async () => {
    const agent = await createAgent();
    const fake = await connectAgent(agent, { register: { roots: ["/srv/code", "/home/dev"], version: "9.9.9" } });
    const listed = (await client().agents.list()).data.find((entry) => entry.id === agent.id);
    expect(listed).toMatchObject({ name: agent.name, connected: true, roots: ["/srv/code", "/home/dev"], version: "9.9.9" });
    expect(listed?.last_seen_at).not.toBeNull();
    fake.close();
    await waitUntilConnected(agent.id, false);
  });

  it("shows the command sandbox the agent registered, and says so when its commands are not sandboxed", async () => {
    const [boxed, open, older] = [await createAgent(), await createAgent(), await createAgent()];
    const fakes = [
      await connectAgent(boxed, { register: { sandbox: { commands: "bwrap", network: false } } }),
      await connectAgent(open, { register: { sandbox: { commands: "none", network: true } } }),
      await connectAgent(older),
    ];
    const listed = (await client().agents.list()).data;
    expect(listed.find((entry) => entry.id === boxed.id)?.sandbox).toEqual({
      commands: "bwrap",
      network: false,
      summary: "commands run under bwrap: roots writable, the rest read-only, secrets folders hidden, no network",
    });
    expect(listed.find((entry) => entry.id === open.id)?.sandbox).toEqual({
      commands: "none",
      network: true,
      summary: "commands are not sandboxed",
    });
    expect(listed.find((entry) => entry.id === older.id)?.sandbox).toBeNull();
    for (const fake of fakes) fake.close();
  });

  it("closes the tunnel on a malformed frame or a call frame before register", async () => {
    const agent = await createAgent();
    const first = await connectAgent(agent, { register: false });
    first.send({ type: "progress", id: "x" });
    expect((await first.closed()).code).toBe(4400);
    const second = await connectAgent(agent, { register: false });
    second.send({ type: "register", protocol_version: 999 });
    expect(await second.closed()).toMatchObject({ code: 4400 });
  });

  it("a newer connection replaces the old one", async () => {
    const agent = await createAgent();
    const old = await connectAgent(agent);
    const fresh = await connectAgent(agent);
    expect((await old.closed()).code).toBe(4000);
    fresh.close();
  });

  it("pings the agent on its alarm, and closes a tunnel that has gone silent", async () => {
    const agent = await createAgent();
    const fake = await connectAgent(agent);
    const stub = env.AGENT.get(env.AGENT.idFromName(agent.id));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const ping = await fake.next("ping");
    fake.send({ type: "pong", nonce: ping.nonce });
    // An agent heard from long ago: the next alarm gives up on it, so calls fail fast.
    await runInDurableObject(stub, (_instance, state) => state.storage.kv.put("heard_at", Date.now() - 60_000));
    await runDurableObjectAlarm(stub);
    expect(await fake.closed()).toMatchObject({ code: 4002 });
    await waitUntilConnected(agent.id, false);
  });

  it("revoking the agent closes its live tunnel", async () => {
    const agent = await createAgent();
    const fake = await connectAgent(agent);
    await client().agents.delete(AgentIdSchema.parse(agent.id));
    expect(await fake.closed()).toMatchObject({ code: 4001 });
  });

  it("refuses a connect that passed the token check just before the revoke", async () => {
    const agent = await createAgent();
    await client().agents.delete(AgentIdSchema.parse(agent.id));
    // What the route forwards once it has checked the token: here, after the revoke landed.
    const late = await agentStub(env, AgentIdSchema.parse(agent.id)).fetch(
      new Request("https://maestro.test/api/v1/agents/connect", { headers: { upgrade: "websocket", [AGENT_ID_HEADER]: agent.id } }),
    );
    expect(late.status).toBe(101);
    const socket = late.webSocket;
    if (socket === null) throw new Error("no socket");
    const closed = new Promise<{ code: number }>((resolve) => socket.addEventListener("close", (event) => resolve({ code: event.code })));
    socket.accept();
    expect(await closed).toMatchObject({ code: 4001 });
    expect((await client().agents.list()).data.find((each) => each.id === agent.id)?.connected).toBe(false);
  });
});

describe("agent tunnel: tool calls", () => {
  it("carries a session's call to the agent and its progress and result back to clients and model", async () => {
    const agent = await createAgent();
    const fake = await connectAgent(agent);
    const { session, key } = await sessionOn(agent.id, [readCall("toolu_r1"), say("It exports main.")]);
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "what does app.ts export?" });

    const call = await fake.next("call");
    expect(call).toMatchObject({ tool: "read_file", params: { path: "src/app.ts" }, cwd: "/home/dev/project" });
    expect(call.deadline).toBeGreaterThan(Date.now());
    // The time left as a budget, for the agent to time with its own clock.
    expect(call.timeout_ms).toBeGreaterThan(50_000);
    expect(call.timeout_ms).toBeLessThanOrEqual(60_000);
    fake.send({ type: "progress", id: call.id, status: "reading" });
    fake.send({ type: "result", id: call.id, outcome: { ok: true, output: "     1\texport function main() {}" }, duration_ms: 3 });

    const end = await web.next("turn_end");
    expect(end.status).toBe("completed");
    // turn_end comes before the turn's last rows are written; a wait for the turn answers once they are.
    await waitForTurn(session.id, end.turn_id);
    const events = web.received.flatMap((frame) => (frame.type === "event" ? [frame.event] : []));
    expect(events).toContainEqual({ type: "tool_progress", call_id: "toolu_r1", status: "reading" });
    expect(events).toContainEqual(
      expect.objectContaining({ type: "tool_result", call_id: "toolu_r1", ok: true, output: "     1\texport function main() {}" }),
    );
    expect(await lastToolResult(key)).toMatchObject({ content: "     1\texport function main() {}" });

    const audit = await client().toolExecutions.list(session.id);
    expect(audit.data).toMatchObject([
      { tool: "read_file", call_id: "toolu_r1", source: "local", agent_id: agent.id, status: "ok", params: { path: "src/app.ts" } },
    ]);
    web.close();
    fake.close();
  });

  it("stores nothing for a call, its progress or its result (no disk commit holds the answer back); a pong keeps the agent present", async () => {
    const agent = await createAgent();
    const fake = await connectAgent(agent);
    const stub = agentStub(env, AgentIdSchema.parse(agent.id));
    const stored = () => runInDurableObject(stub, (_instance, state) => [...state.storage.kv.list()]);
    const { session } = await sessionOn(agent.id, [readCall("toolu_s1"), say("Read.")]);
    const web = await joinSocket(session.id, "web");
    const before = await stored();
    web.send({ type: "send", text: "read app.ts" });
    const call = await fake.next("call");
    fake.send({ type: "progress", id: call.id, status: "reading" });
    fake.send({ type: "result", id: call.id, outcome: { ok: true, output: "1\tx" }, duration_ms: 1 });
    expect((await web.next("turn_end")).status).toBe("completed");
    // Every confirmed write would hold the object's outgoing messages (the session's answer) until on disk.
    expect(await stored()).toEqual(before);

    // Presence rides on the answers to pings: one from an agent silent past the limit makes it present again.
    const longAgo = Date.now() - 60_000;
    await runInDurableObject(stub, (_instance, state) => state.storage.kv.put("heard_at", longAgo));
    fake.send({ type: "pong", nonce: "1" });
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const heardAt = await runInDurableObject(stub, (_instance, state) => state.storage.kv.get<number>("heard_at"));
      if (heardAt !== longAgo) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await client().agents.list()).data.find((entry) => entry.id === agent.id)?.connected).toBe(true);
    web.close();
    fake.close();
  });

  it("fails fast with AGENT_OFFLINE when the session's agent is not connected", async () => {
    const agent = await createAgent();
    const { session, key } = await sessionOn(agent.id, [readCall("toolu_off"), say("Offline.")]);
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "read it" });
    await web.next("turn_end");
    const result = web.received.flatMap((frame) => (frame.type === "event" && frame.event.type === "tool_result" ? [frame.event] : []));
    expect(result).toMatchObject([{ ok: false, error_code: "AGENT_OFFLINE" }]);
    expect(result[0]?.duration_ms).toBeLessThan(2000);
    expect(await lastToolResult(key)).toMatchObject({ is_error: true, content: expect.stringContaining("not connected") });
    web.close();
  });

  it("keeps a waiting call through a reconnect and sends it again to the new connection", async () => {
    const agent = await createAgent();
    const first = await connectAgent(agent);
    const { session } = await sessionOn(agent.id, [readCall("toolu_rc"), say("Got it after the reconnect.")]);
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "read" });
    const call = await first.next("call");
    first.close();
    await waitUntilConnected(agent.id, false);

    const second = await connectAgent(agent);
    const again = await second.next("call");
    expect(again).toEqual({ ...call, deadline: expect.any(Number), timeout_ms: expect.any(Number) });
    // Sent again with what is left of the budget, not the whole of it; the time the agent was
    // away does not count, so the deadline moved on by as much.
    expect(again.timeout_ms).toBeLessThanOrEqual(call.timeout_ms ?? 0);
    expect(again.deadline).toBeGreaterThanOrEqual(call.deadline);
    second.send({ type: "result", id: call.id, outcome: { ok: true, output: "after reconnect" }, duration_ms: 1 });
    expect((await web.next("turn_end")).status).toBe("completed");
    web.close();
    second.close();
  });

  it("does not re-send a call the reconnected agent still holds; its late result still lands", async () => {
    const agent = await createAgent();
    const first = await connectAgent(agent);
    const { session } = await sessionOn(agent.id, [readCall("toolu_held"), say("Done.")]);
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "read" });
    const call = await first.next("call");
    first.close();
    const second = await connectAgent(agent, { register: { running: [call.id] } });
    second.send({ type: "result", id: call.id, outcome: { ok: true, output: "held" }, duration_ms: 1 });
    expect((await web.next("turn_end")).status).toBe("completed");
    expect(second.received.filter((frame) => frame.type === "call")).toEqual([]);
    web.close();
    second.close();
  });

  describe("after the agent process restarted", () => {
    const stubOf = (agentId: string) => env.AGENT.get(env.AGENT.idFromName(agentId));
    const newCall = (tool: string, params: Record<string, unknown>) => ({
      id: TunnelCallIdSchema.parse(crypto.randomUUID()),
      tool,
      params,
      cwd: null,
      deadline: Date.now() + 10_000,
    });

    it("fails a command or write delivered to the old process instead of running it again", async () => {
      const agent = await createAgent();
      const first = await connectAgent(agent, { register: { instance: "process-a" } });
      const stub = stubOf(agent.id);
      const command = stub.call(newCall("run_shell_command", { command: "git commit -am wip" }), () => undefined);
      const write = stub.call(newCall("write_file", { path: "a.txt", content: "x" }), () => undefined);
      await first.next("call");
      await first.next("call");
      first.close();
      await waitUntilConnected(agent.id, false);

      const second = await connectAgent(agent, { register: { instance: "process-b" } });
      for (const outcome of [await command, await write]) {
        expect(outcome).toMatchObject({
          ok: false,
          code: "AGENT_RESTARTED",
          message: expect.stringContaining("may or may not have completed"),
        });
        expect(outcome.ok || outcome.message).toContain("may or may not have completed");
      }
      expect(second.received.filter((frame) => frame.type === "call")).toEqual([]);
      second.close();
    });

    it("sends a read again to the new process", async () => {
      const agent = await createAgent();
      const first = await connectAgent(agent, { register: { instance: "process-a" } });
      const read = stubOf(agent.id).call(newCall("read_file", { path: "a.txt" }), () => undefined);
      const call = await first.next("call");
      first.close();
      await waitUntilConnected(agent.id, false);
      const second = await connectAgent(agent, { register: { instance: "process-b" } });
      expect((await second.next("call")).id).toBe(call.id);
      second.send({ type: "result", id: call.id, outcome: { ok: true, output: "read again" }, duration_ms: 1 });
      expect(await read).toEqual({ ok: true, output: "read again" });
      second.close();
    });

    it("sends a command again to the same process after a dropped tunnel", async () => {
      const agent = await createAgent();
      const first = await connectAgent(agent, { register: { instance: "process-a" } });
      const command = stubOf(agent.id).call(newCall("run_shell_command", { command: "make" }), () => undefined);
      const call = await first.next("call");
      first.close();
      await waitUntilConnected(agent.id, false);
      const again = await connectAgent(agent, { register: { instance: "process-a" } });
      expect((await again.next("call")).id).toBe(call.id);
      again.send({ type: "result", id: call.id, outcome: { ok: true, output: "made" }, duration_ms: 1 });
      expect(await command).toEqual({ ok: true, output: "made" });
      again.close();
    });

    it("sends a command that never reached any process to the new one", async () => {
      const agent = await createAgent();
      const first = await connectAgent(agent, { register: { instance: "process-a" } });
      // A new connection that has not registered yet: the old one is replaced, nothing is sent.
      const second = await connectAgent(agent, { register: false });
      expect((await first.closed()).code).toBe(4000);
      const command = stubOf(agent.id).call(newCall("run_shell_command", { command: "make" }), () => undefined);
      second.send({ ...registerFrame({ instance: "process-b" }) });
      const call = await second.next("call");
      expect(call.tool).toBe("run_shell_command");
      second.send({ type: "result", id: call.id, outcome: { ok: true, output: "made once" }, duration_ms: 1 });
      expect(await command).toEqual({ ok: true, output: "made once" });
      expect(first.received.filter((frame) => frame.type === "call")).toEqual([]);
      second.close();
    });
  });

  it("tells the agent to cancel when the turn is cancelled", async () => {
    const agent = await createAgent();
    const fake = await connectAgent(agent);
    const { session } = await sessionOn(agent.id, [
      { steps: [{ kind: "tool_calls", calls: [{ id: "toolu_sh", name: "run_shell_command", args: { command: "sleep 60" } }] }] },
      say("never"),
    ]);
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "sleep" });
    const call = await fake.next("call");
    expect(call.deadline - Date.now()).toBeGreaterThan(30_000);
    expect(call.timeout_ms).toBeGreaterThan(30_000);
    web.send({ type: "cancel" });
    expect(await fake.next("cancel")).toEqual({ type: "cancel", id: call.id });
    expect((await web.next("turn_end")).status).toBe("cancelled");
    web.close();
    fake.close();
  });

  it("ends a call at its deadline with TIMEOUT and tells the agent to stop", async () => {
    const agent = await createAgent();
    const fake = await connectAgent(agent);
    const stub = env.AGENT.get(env.AGENT.idFromName(agent.id));
    const id = TunnelCallIdSchema.parse(crypto.randomUUID());
    const outcome = await stub.call(
      { id, tool: "read_file", params: { path: "a" }, cwd: null, deadline: Date.now() + 300 },
      () => undefined,
    );
    expect(outcome).toMatchObject({ ok: false, code: "TIMEOUT" });
    expect(await fake.next("cancel")).toEqual({ type: "cancel", id });
    fake.close();
  });

  it("offers the agent's stdio MCP tools as <server>__<tool> and routes their calls to the agent", async () => {
    const agent = await createAgent();
    const fake = await connectAgent(agent, {
      register: {
        mcp: [
          {
            name: "fs",
            tools: [{ name: "list_allowed_directories", description: "Roots", kind: "read", input_schema: { type: "object" } }],
          },
        ],
      },
    });
    const { session, key } = await sessionOn(agent.id, [
      { steps: [{ kind: "tool_calls", calls: [{ id: "toolu_m1", name: "fs__list_allowed_directories", args: {} }] }] },
      say("Listed."),
    ]);
    const sent = api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "dirs?" }) });
    const call = await fake.next("call");
    expect(call.tool).toBe("fs__list_allowed_directories");
    fake.send({ type: "result", id: call.id, outcome: { ok: true, output: "/home/dev/project" }, duration_ms: 2 });
    expect(await (await sent).json()).toMatchObject({ status: "completed" });
    const [first] = await recordedRequests(inject("simulatorUrl"), key);
    const offered = (first?.body as { tools: { name: string }[] }).tools.map((tool) => tool.name);
    expect(offered).toContain("fs__list_allowed_directories");
    expect(offered).toContain("read_file");
    fake.close();
  });
});
