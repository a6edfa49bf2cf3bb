// Proves: presence is a heartbeat. An agent that stops answering (its socket still open, as a
// SIGSTOPped or sleeping agent's is) is shown offline by GET /agents as soon as it has been
// silent past the limit, without waiting for an alarm, and its socket is closed; a "fail"
// session's call to it fails at once with AGENT_OFFLINE; a "wait" session's call shows "waiting
// for <agent> (offline)", runs when the agent registers again, fails after the grace period, or
// ends when the turn is cancelled; a tunnel that comes back is pinged again; Postgres is not
// written on every ping; and the setting is validated, stored, reconfigurable and copied from
// templates.
import { AgentIdSchema, type CreateSessionBody, type SessionToClient } from "@maestro/protocol";
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SILENT_LIMIT_MS } from "../../src/agents/agent-do.ts";
import { agentStub } from "../../src/agents/agent-port.ts";
import { api, client, json } from "../helpers/api.ts";
import { connectAgent, createAgent, waitUntilConnected } from "../helpers/fake-agent.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { type TestSocket, joinSocket } from "../helpers/socket.ts";

const readCall = (id: string) => ({
  steps: [{ kind: "tool_calls" as const, calls: [{ id, name: "read_file", args: { path: "a.txt" } }] }],
});

function sessionOn(agentId: string, turns: Parameters<typeof scriptedSession>[0], extra: Partial<CreateSessionBody> = {}) {
  return scriptedSession(turns, { approval_mode: "auto", extra: { agent_id: AgentIdSchema.parse(agentId), ...extra } });
}

/** As if the agent had not answered anything for a while (it is stopped, asleep or cut off). */
async function silence(agentId: string, forMs = SILENT_LIMIT_MS + 1000): Promise<void> {
  await runInDurableObject(agentStub(env, AgentIdSchema.parse(agentId)), (_instance, state) =>
    state.storage.kv.put("heard_at", Date.now() - forMs),
  );
}

const toolEvents = (socket: TestSocket) =>
  socket.received.flatMap((frame: SessionToClient) => (frame.type === "event" ? [frame.event] : []));

async function waitForStatus(socket: TestSocket, status: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (toolEvents(socket).some((event) => event.type === "tool_progress" && event.status === status)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no tool_progress with status "${status}"`);
}

describe("agent presence", () => {
  it("shows a silent agent offline at once, though its socket is open, and closes that socket", async () => {
    const agent = await createAgent();
    const fake = await connectAgent(agent);
    await silence(agent.id);
    const listed = (await client().agents.list()).data.find((entry) => entry.id === agent.id);
    expect(listed?.connected).toBe(false);
    expect(await fake.closed()).toMatchObject({ code: 4002 });
  });

  it("pings the agent's new tunnel after it comes back, and it is connected again", async () => {
    const agent = await createAgent();
    const first = await connectAgent(agent);
    await silence(agent.id);
    expect((await client().agents.list()).data.find((entry) => entry.id === agent.id)?.connected).toBe(false);
    await first.closed();
    const second = await connectAgent(agent);
    expect(await runDurableObjectAlarm(agentStub(env, AgentIdSchema.parse(agent.id)))).toBe(true);
    expect(await second.next("ping")).toMatchObject({ type: "ping" });
    expect((await client().agents.list()).data.find((entry) => entry.id === agent.id)?.connected).toBe(true);
    second.close();
  });

  it("writes last_seen_at at register, not on every answered ping", async () => {
    const agent = await createAgent();
    const fake = await connectAgent(agent);
    const seen = async () => (await client().agents.list()).data.find((entry) => entry.id === agent.id)?.last_seen_at;
    // The write at register lands in the background.
    let registeredAt = await seen();
    for (let attempt = 0; attempt < 50 && registeredAt == null; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      registeredAt = await seen();
    }
    expect(registeredAt).not.toBeNull();
    for (let ping = 0; ping < 3; ping += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      fake.send({ type: "pong", nonce: String(ping) });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await seen()).toBe(registeredAt);
    fake.close();
  });

  it("stays connected while it answers pings within the limit", async () => {
    const agent = await createAgent();
    const fake = await connectAgent(agent);
    await silence(agent.id, SILENT_LIMIT_MS - 1000);
    expect((await client().agents.list()).data.find((entry) => entry.id === agent.id)?.connected).toBe(true);
    fake.close();
  });

  it("a 'fail' session's call to a silent agent fails at once with AGENT_OFFLINE", async () => {
    const agent = await createAgent();
    const fake = await connectAgent(agent);
    const { session } = await sessionOn(agent.id, [readCall("toolu_stopped"), say("Offline.")]);
    await silence(agent.id);
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "read it" });
    expect((await web.next("turn_end")).status).toBe("completed");
    const result = toolEvents(web).filter((event) => event.type === "tool_result");
    expect(result).toMatchObject([{ ok: false, error_code: "AGENT_OFFLINE" }]);
    expect(result[0]?.type === "tool_result" && result[0].duration_ms).toBeLessThan(2000);
    expect(fake.received.filter((frame) => frame.type === "call")).toEqual([]);
    web.close();
  });

  it("a 'wait' session's call waits visibly for the agent and runs when it is back", async () => {
    const agent = await createAgent();
    (await connectAgent(agent)).close();
    await waitUntilConnected(agent.id, false);
    const { session } = await sessionOn(agent.id, [readCall("toolu_wait"), say("Read once it was back.")], { agent_offline: "wait" });
    expect(session).toMatchObject({ agent_offline: "wait", agent_offline_grace_ms: 600_000 });
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "read it" });
    await waitForStatus(web, `waiting for ${agent.name} (offline)`);

    const back = await connectAgent(agent);
    const call = await back.next("call");
    expect(call.tool).toBe("read_file");
    back.send({ type: "result", id: call.id, outcome: { ok: true, output: "contents" }, duration_ms: 1 });
    expect((await web.next("turn_end")).status).toBe("completed");
    expect(toolEvents(web).filter((event) => event.type === "tool_result")).toMatchObject([{ ok: true, output: "contents" }]);
    expect(toolEvents(web)).toContainEqual({ type: "tool_progress", call_id: "toolu_wait", status: "running" });
    web.close();
    back.close();
  });

  it("a 'wait' session's call fails with AGENT_OFFLINE after the grace period", async () => {
    const agent = await createAgent();
    const { session } = await sessionOn(agent.id, [readCall("toolu_grace"), say("Gave up.")], {
      agent_offline: "wait",
      agent_offline_grace_ms: 1000,
    });
    const web = await joinSocket(session.id, "web");
    const started = Date.now();
    web.send({ type: "send", text: "read it" });
    expect((await web.next("turn_end", 10_000)).status).toBe("completed");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(toolEvents(web).filter((event) => event.type === "tool_result")).toMatchObject([
      { ok: false, error_code: "AGENT_OFFLINE", output: expect.stringContaining("stayed offline") },
    ]);
    web.close();
  });

  it("cancelling the turn ends the wait", async () => {
    const agent = await createAgent();
    const { session } = await sessionOn(agent.id, [readCall("toolu_cancel"), say("never")], { agent_offline: "wait" });
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "read it" });
    await waitForStatus(web, "waiting for the local agent (offline)");
    web.send({ type: "cancel" });
    expect((await web.next("turn_end")).status).toBe("cancelled");
    // Nothing is left waiting: the agent connecting now is sent nothing.
    const fake = await connectAgent(agent);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.received.filter((frame) => frame.type === "call")).toEqual([]);
    web.close();
    fake.close();
  });
});

describe("the agent_offline setting", () => {
  it("is validated", async () => {
    for (const bad of [{ agent_offline: "maybe" }, { agent_offline_grace_ms: 10 }, { agent_offline_grace_ms: 1.5e9 }]) {
      const response = await api("/sessions", {
        method: "POST",
        body: JSON.stringify({ provider: "anthropic", model: "claude-sonnet-4-5", ...bad }),
      });
      expect(response.status).toBe(400);
      expect(await json(response)).toMatchObject({ error: { code: "INVALID_REQUEST" } });
    }
  });

  it("defaults to fail, can be changed, and comes from a template", async () => {
    const plain = await client().sessions.create({ provider: "anthropic", model: "claude-sonnet-4-5" });
    expect(plain).toMatchObject({ agent_offline: "fail", agent_offline_grace_ms: 600_000 });
    const changed = await client().sessions.update(plain.id, { agent_offline: "wait", agent_offline_grace_ms: 120_000 });
    expect(changed).toMatchObject({ agent_offline: "wait", agent_offline_grace_ms: 120_000 });
    const template = await client().templates.create({
      name: "waits",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      agent_offline: "wait",
      agent_offline_grace_ms: 60_000,
    });
    expect(template).toMatchObject({ agent_offline: "wait", agent_offline_grace_ms: 60_000 });
    const fromTemplate = await client().sessions.create({ template_id: template.id });
    expect(fromTemplate).toMatchObject({ agent_offline: "wait", agent_offline_grace_ms: 60_000 });
  });
});
