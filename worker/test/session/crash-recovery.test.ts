// Proves (issue 11 §1): a session whose object restarts — a crash or a deploy — while a tool call
// waits for approval, or while a command runs on the user's machine, comes back usable for every
// provider: the cut-off call gets a stored `interrupted` result and an audit row, every client
// hears the turn end, and the next request carries the call answered, so the simulator — which
// refuses what the real APIs refuse — accepts it; an agent still running a cut-off command is told
// to stop it. A session whose object closes the cut-off turn on its own is listed as idle again.
import type { AgentId, ProviderId, SessionId } from "@maestro/protocol";
import { abortAllDurableObjects, env, runDurableObjectAlarm } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { messages, toolExecutions } from "../../src/db/schema.ts";
import { INTERRUPTED_OUTPUT } from "../../src/session/history.ts";
import { sessionStub } from "../../src/session/stub.ts";
import { api, client } from "../helpers/api.ts";
import { withDb } from "../helpers/db.ts";
import { connectAgent, createAgent } from "../helpers/fake-agent.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket, openSocket, settle } from "../helpers/socket.ts";
import { recordedRequests } from "../simulators/client.ts";
import { waitForTurn } from "../helpers/turns.ts";

const PROVIDERS: ProviderId[] = ["anthropic", "openai", "openai_responses", "gemini"];

const storedRows = (sessionId: SessionId) =>
  withDb((db) => db.select().from(messages).where(eq(messages.sessionId, sessionId)).orderBy(messages.createdAt));

/** After the restart: join again and read until the interrupted turn is over (a replay, or a snapshot). */
async function rejoin(sessionId: string) {
  const socket = await openSocket(sessionId);
  socket.send({ type: "hello", protocol_version: 1, client: "web" });
  for (;;) {
    const frame = await socket.next(undefined, 10_000);
    if (frame.type === "snapshot" && frame.turn === null) break;
    if (frame.type === "turn_end") {
      expect(frame.status).toBe("interrupted");
      break;
    }
  }
  return socket;
}

/** What the provider was told of `callId` in the newest request, whatever its wire format. */
function answeredIn(body: unknown, callId: string): string | undefined {
  const text = JSON.stringify(body);
  return text.includes(callId) && text.includes(INTERRUPTED_OUTPUT) ? INTERRUPTED_OUTPUT : undefined;
}

async function expectRecovered(provider: ProviderId, session: { id: SessionId }, key: string, callId: string, tool: string) {
  const after = await rejoin(session.id);
  after.send({ type: "send", text: "are you still there?" });
  const end = await after.next("turn_end", 10_000);
  // The simulator refuses a history with an unanswered call, so completing proves it was answered.
  expect(end, JSON.stringify(end.message?.error)).toMatchObject({ status: "completed", message: { status: "complete" } });
  // turn_end comes before the turn's last rows are written; a wait for the turn answers once they are.
  await waitForTurn(session.id, end.turn_id);
  const requests = await recordedRequests(inject("simulatorUrl"), key);
  expect(answeredIn(requests.at(-1)?.body, callId), `${provider}: the last request answers ${callId}`).toBe(INTERRUPTED_OUTPUT);

  const rows = await storedRows(session.id);
  const results = rows.filter((row) => row.role === "tool").flatMap((row) => row.content);
  expect(results).toContainEqual({
    type: "tool_result",
    call_id: callId,
    name: tool,
    ok: false,
    output: INTERRUPTED_OUTPUT,
    error_code: "INTERRUPTED",
  });
  const audit = await withDb((db) => db.select().from(toolExecutions).where(eq(toolExecutions.sessionId, session.id)));
  expect(audit).toMatchObject([{ callId, toolName: tool, status: "interrupted", errorCode: "INTERRUPTED" }]);
  after.close();
}

describe.each(PROVIDERS)("%s after a restart", (provider) => {
  it("answers a call that was waiting for approval as interrupted, and the next turn is accepted", async () => {
    const callId = `call_wait_${provider}`;
    const { session, key } = await scriptedSession(
      [
        { steps: [{ kind: "tool_calls", calls: [{ id: callId, name: "write_file", args: { path: "notes.md", content: "x" } }] }] },
        say("Back after the restart."),
      ],
      { provider, approval_mode: "ask" },
    );
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "write notes" });
    expect(await web.next("approval_request", 10_000)).toMatchObject({ call_id: callId });
    await settle(50);
    await abortAllDurableObjects();
    web.close();
    await expectRecovered(provider, session, key, callId, "write_file");
  });

  it("answers a command that was running on the user's machine as interrupted, and the next turn is accepted", async () => {
    const agent = await createAgent(`crash-${provider}`);
    const tunnel = await connectAgent(agent);
    const callId = `call_run_${provider}`;
    const { session, key } = await scriptedSession(
      [
        { steps: [{ kind: "tool_calls", calls: [{ id: callId, name: "run_shell_command", args: { command: "sleep 60" } }] }] },
        say("Back after the restart."),
      ],
      { provider, approval_mode: "auto", extra: { agent_id: agent.id as AgentId } },
    );
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "run it" });
    // The command reached the machine and is running: the agent never answers it.
    const running = await tunnel.next("call", 10_000);
    expect(running).toMatchObject({ tool: "run_shell_command" });
    await abortAllDurableObjects();
    web.close();
    tunnel.close();
    await expectRecovered(provider, session, key, callId, "run_shell_command");
    // The agent comes back still running it: nobody waits for it now, so it is told to stop.
    const back = await connectAgent(agent, { register: { running: [running.id] } });
    expect(await back.next("cancel", 10_000)).toEqual({ type: "cancel", id: running.id });
    back.close();
  });
});

describe("a session's listing after a restart", () => {
  it("goes back to idle when the object closes the cut-off turn on its own, with no client there", async () => {
    const { session } = await scriptedSession([{ ...say("A long answer, streamed slowly enough to be cut off."), chunk_delay_ms: 300 }]);
    const activity = async () => (await client().sessions.get(session.id)).activity;
    const sent = await api(`/sessions/${session.id}/messages`, { method: "POST", body: JSON.stringify({ text: "go on" }) });
    expect(sent.status).toBe(202);
    while ((await activity()) !== "streaming") await settle(20);

    await abortAllDurableObjects();
    // Nobody joins or writes: the keep-alive alarm wakes the object, which closes the turn.
    expect(await runDurableObjectAlarm(sessionStub(env, session.id))).toBe(true);
    const deadline = Date.now() + 3000;
    while ((await activity()) !== "idle" && Date.now() < deadline) await settle(50);
    expect(await activity()).toBe("idle");
  });
});
