// Proves the turn's hot path (issue 15) keeps its behaviour: what a turn needs is kept warm in the
// session's object, yet a change made anywhere — a PATCH of the session, a credential disabled or
// deleted through its own routes, an agent that connects — shows on the very next turn; turn_end
// is sent before the answer's row is written, the answer is stored all the same (also when the
// object dies in between), and `?wait=true` answers only once a GET /messages sees the answer.
import type { AgentId, Message, SessionId } from "@maestro/protocol";
import { abortAllDurableObjects } from "cloudflare:test";
import { and, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, inject, it } from "vitest";
import { messages } from "../../src/db/schema.ts";
import { api, client } from "../helpers/api.ts";
import { withDb } from "../helpers/db.ts";
import { BUILTIN_SPECS, connectAgent, createAgent } from "../helpers/fake-agent.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket } from "../helpers/socket.ts";
import { waitForTurn } from "../helpers/turns.ts";
import { recordedRequests } from "../simulators/client.ts";

const simulatorUrl = () => inject("simulatorUrl");

const answerRows = (sessionId: SessionId) =>
  withDb((db) =>
    db
      .select()
      .from(messages)
      .where(and(eq(messages.sessionId, sessionId), eq(messages.role, "assistant"))),
  );

async function sendAndWait(sessionId: SessionId, text: string) {
  const response = await api(`/sessions/${sessionId}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text }) });
  expect(response.status).toBe(200);
  return response.json<{ status: string; message: Message | null }>();
}

/**
 * Makes Postgres refuse the answers of one session while `blocked` holds a row for it (or, with
 * `once`, refuse only the first attempt): a write that has not happened, on demand.
 */
async function refuseAnswers(sessionId: SessionId, mode: "until_unblocked" | "once") {
  await withDb(async (db) => {
    await db.execute(sql`create table if not exists turn_path_blocked (session_id uuid primary key, once boolean not null)`);
    await db.execute(sql`create sequence if not exists turn_path_attempts`);
    await db.execute(sql`
      create or replace function turn_path_refuse() returns trigger language plpgsql as $$
      declare blocked turn_path_blocked;
      begin
        select * into blocked from turn_path_blocked where session_id = new.session_id;
        if new.role = 'assistant' and found and (not blocked.once or nextval('turn_path_attempts') = 1) then
          raise exception 'turn-path test: answer refused';
        end if;
        return new;
      end $$`);
    await db.execute(sql`drop trigger if exists turn_path_refuse on messages`);
    await db.execute(sql`create trigger turn_path_refuse before insert on messages for each row execute function turn_path_refuse()`);
    await db.execute(sql`select setval('turn_path_attempts', 1, false)`);
    await db.execute(sql`insert into turn_path_blocked values (${sessionId}, ${mode === "once"})`);
  });
  return () => withDb((db) => db.execute(sql`delete from turn_path_blocked where session_id = ${sessionId}`));
}

afterEach(async () => {
  await withDb(async (db) => {
    await db.execute(sql`drop trigger if exists turn_path_refuse on messages`);
    await db.execute(sql`drop table if exists turn_path_blocked`);
  });
});

describe("the warm turn", () => {
  it("uses a session setting changed between turns on the next turn", async () => {
    const { session, key } = await scriptedSession([say("One."), say("Two.")]);
    await sendAndWait(session.id, "first");
    const patched = await api(`/sessions/${session.id}`, { method: "PATCH", body: JSON.stringify({ system_prompt: "Be brief." }) });
    expect(patched.status).toBe(200);
    expect((await sendAndWait(session.id, "second")).status).toBe("completed");
    const [first, second] = await recordedRequests(simulatorUrl(), key);
    expect(JSON.stringify((first?.body as { system: unknown }).system)).toContain("You are a test.");
    expect(JSON.stringify((second?.body as { system: unknown }).system)).toContain("Be brief.");
  });

  it("sees a credential disabled, enabled again or deleted through its own routes on the next turn", async () => {
    const { session } = await scriptedSession([say("Before."), say("Again.")]);
    expect((await sendAndWait(session.id, "first")).status).toBe("completed");
    const credentialId = session.credential_id;
    if (credentialId === null) throw new Error("the scripted session has a credential");
    await client().credentials.update(credentialId, { is_enabled: false });
    const refused = await sendAndWait(session.id, "while disabled");
    expect(refused).toMatchObject({ status: "failed", message: { status: "error" } });
    expect(refused.message?.error).toContain("is disabled");
    await client().credentials.update(credentialId, { is_enabled: true });
    expect(await sendAndWait(session.id, "enabled again")).toMatchObject({ status: "completed", message: { status: "complete" } });
    expect((await api(`/credentials/${credentialId}`, { method: "DELETE" })).status).toBe(200);
    const gone = await sendAndWait(session.id, "after the delete");
    expect(gone).toMatchObject({ status: "failed", message: { status: "error" } });
  });

  it("offers an agent's tools on the first turn after it connects", async () => {
    const agent = await createAgent();
    const { session, key } = await scriptedSession([say("No agent yet."), say("Now with it.")], {
      extra: { agent_id: agent.id as AgentId },
    });
    await sendAndWait(session.id, "before");
    const tunnel = await connectAgent(agent, {
      register: { mcp: [{ name: "notes", tools: [{ ...BUILTIN_SPECS[0]!, name: "search" }] }] },
    });
    try {
      await sendAndWait(session.id, "after");
      const [before, after] = await recordedRequests(simulatorUrl(), key);
      const names = (body: unknown) => ((body as { tools?: { name: string }[] }).tools ?? []).map((tool) => tool.name);
      expect(names(before?.body)).not.toContain("notes__search");
      expect(names(after?.body)).toContain("notes__search");
    } finally {
      tunnel.close();
    }
  });
});

describe("the answer's row", () => {
  it("is written after turn_end, and is stored with its usage and cost", async () => {
    const { session } = await scriptedSession([
      { steps: [{ kind: "text", text: "Stored later." }], usage: { input_tokens: 100, output_tokens: 10 } },
    ]);
    const unblock = await refuseAnswers(session.id, "until_unblocked");
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "hello" });
    const end = await web.next("turn_end");
    expect(end).toMatchObject({ status: "completed", message: { content: [{ type: "text", text: "Stored later." }] } });
    // The clients have the answer; Postgres does not yet (its write is refused, and tried again).
    expect(await answerRows(session.id)).toEqual([]);
    await unblock();
    await waitForTurn(session.id, end.turn_id);
    expect(await answerRows(session.id)).toMatchObject([{ id: end.message?.id, inputTokens: 100, outputTokens: 10, status: "complete" }]);
    web.close();
  });

  it("is stored when the object dies between turn_end and the write", async () => {
    const { session } = await scriptedSession([
      { steps: [{ kind: "text", text: "Survives." }], usage: { input_tokens: 100, output_tokens: 10 } },
      say("And goes on."),
    ]);
    const unblock = await refuseAnswers(session.id, "until_unblocked");
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "hello" });
    const end = await web.next("turn_end");
    await abortAllDurableObjects();
    expect(await answerRows(session.id)).toEqual([]);
    await unblock();
    // The next request to the session stores what it showed before anything else.
    const page = await api(`/sessions/${session.id}/queue`);
    expect(page.status).toBe(200);
    const rows = await answerRows(session.id);
    expect(rows).toMatchObject([{ id: end.message?.id, inputTokens: 100, outputTokens: 10, totalCostUsd: expect.any(String) }]);
    // And the conversation continues from it: the next answer's parent is the stored one.
    const next = await sendAndWait(session.id, "again");
    expect(next).toMatchObject({ status: "completed" });
    const listed = await (await api(`/sessions/${session.id}/messages`)).json<{ data: Message[] }>();
    expect(listed.data.map((message) => message.role)).toEqual(["assistant", "user", "assistant", "user"]);
  });

  it("is in GET /messages once ?wait=true answers, even when its first write fails", async () => {
    const { session } = await scriptedSession([say("Read your writes.")]);
    await refuseAnswers(session.id, "once");
    const waited = await sendAndWait(session.id, "hello");
    const listed = await (await api(`/sessions/${session.id}/messages`)).json<{ data: Message[] }>();
    expect(listed.data[0]).toMatchObject({
      id: waited.message?.id,
      role: "assistant",
      content: [{ type: "text", text: "Read your writes." }],
    });
  });
});
