// Proves the turn's hot path (issue 15) keeps its behaviour: what a turn needs is kept warm in the
// session's object — a warm turn sends its model request before any Postgres query or agent call —
// yet a change made anywhere shows on the very next turn: a PATCH of the session, a credential
// disabled or deleted through its own routes, a new sign-in to it, a token the refresh cron renewed,
// an MCP server or tool disabled, an agent that connects, leaves or registers anew; past the trust
// bound, and on every turn while Redis is down, the turn checks the old way. A session woken from
// hibernation reads its history and checks its inputs side by side, in few queries, and its model
// request does not wait for a storage commit; told someone is writing (`prepare`), it reads all that
// before the message comes. A model that takes its time to answer does not hold the user's
// message. turn_end is sent before the answer's row is written (and before its tokens' frames are
// on disk), the answer is stored all the same (also when the object dies in between), and
// `?wait=true` answers only once a GET /messages sees the answer, as a client's snapshot right
// after turn_end holds it.
import type { AgentId, CredentialId, Message, SessionId } from "@maestro/protocol";
import {
  abortAllDurableObjects,
  createExecutionContext,
  createScheduledController,
  env,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { and, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { messages } from "../../src/db/schema.ts";
import worker from "../../src/index.ts";
import type { SessionDO } from "../../src/session/session-do.ts";
import { sessionStub } from "../../src/session/stub.ts";
import { TRUST_MS } from "../../src/session/warm-sessions.ts";
import { api, client } from "../helpers/api.ts";
import { withDb } from "../helpers/db.ts";
import { BUILTIN_SPECS, connectAgent, createAgent, waitUntilConnected } from "../helpers/fake-agent.ts";
import { loginCodex, storedTokens } from "../helpers/oauth-sim.ts";
import { watchRoundTrips } from "../helpers/round-trips.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket, settle } from "../helpers/socket.ts";
import { waitForTurn } from "../helpers/turns.ts";
import { recordedRequests, registerScript } from "../simulators/client.ts";

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

const offered = (body: unknown) => ((body as { tools?: { name: string; description?: string }[] }).tools ?? []).map((tool) => tool.name);

function bearerOf(request: { headers: [string, string][] } | undefined): string | undefined {
  return request?.headers.find(([name]) => name.toLowerCase() === "authorization")?.[1].replace(/^Bearer /, "");
}

async function runCron(): Promise<void> {
  const context = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env, context);
  await waitOnExecutionContext(context);
}

afterEach(async () => {
  await withDb(async (db) => {
    await db.execute(sql`drop trigger if exists turn_path_refuse on messages`);
    await db.execute(sql`drop table if exists turn_path_blocked`);
  });
});

describe("the warm turn", () => {
  it("sends its model request before any Postgres query, agent call or write to its own storage, and checks again after a change", async () => {
    const agent = await createAgent();
    const tunnel = await connectAgent(agent, { register: { mcp: [{ name: "notes", tools: [{ ...BUILTIN_SPECS[0]!, name: "search" }] }] } });
    const { session, key } = await scriptedSession([say("Cold."), say("Warm."), say("Checked.")], {
      extra: { agent_id: agent.id as AgentId },
    });
    try {
      await sendAndWait(session.id, "first");
      const watch = await watchRoundTrips(session.id, simulatorUrl());
      try {
        expect(await sendAndWait(session.id, "warm")).toMatchObject({ status: "completed" });
        expect(watch.log.some((entry) => entry.startsWith("model "))).toBe(true);
        expect(watch.beforeModel()).toEqual([]);
        // The answer's rows are still written, after the request went.
        expect(watch.log.filter((entry) => entry.startsWith("db."))).not.toEqual([]);
        // A change elsewhere (here: the credential's label) sends the next turn to check first.
        watch.log.length = 0;
        await client().credentials.update(session.credential_id as CredentialId, { label: "renamed" });
        expect(await sendAndWait(session.id, "checked")).toMatchObject({ status: "completed" });
        expect(watch.beforeModel()).toEqual(expect.arrayContaining(["db.select", "agent.status"]));
      } finally {
        await watch.stop();
      }
      const requests = await recordedRequests(simulatorUrl(), key);
      expect(requests.map((request) => offered(request.body).includes("notes__search"))).toEqual([true, true, true]);
    } finally {
      tunnel.close();
    }
  });

  it("shows the user's message at once while a slow model reads its prompt, its request gone first all the same", async () => {
    // The message is noted and shown once the model answered or a few ms after the request
    // (request-head-start.ts): a model that takes its time must not hold it.
    const { session } = await scriptedSession([say("Warm."), { ...say("Thought it over."), think_ms: 1500 }]);
    await sendAndWait(session.id, "first");
    const socket = await joinSocket(session.id);
    const watch = await watchRoundTrips(session.id, simulatorUrl());
    try {
      const sentAt = Date.now();
      socket.send({ type: "send", text: "take your time" });
      const shown = await socket.next("message");
      const shownAt = Date.now();
      expect(shown.message).toMatchObject({ role: "user", content: [{ type: "text", text: "take your time" }] });
      await socket.next("event");
      const answeredAt = Date.now();
      expect(shownAt - sentAt).toBeLessThan(1000);
      expect(answeredAt - sentAt).toBeGreaterThanOrEqual(1500);
      expect(watch.log.some((entry) => entry.startsWith("model "))).toBe(true);
      expect(watch.beforeModel()).toEqual([]);
      expect(await socket.next("turn_end")).toMatchObject({ status: "completed" });
    } finally {
      await watch.stop();
      socket.close();
    }
  });

  it("woken from hibernation, reads its history and what the turn needs in few queries, side by side", async () => {
    const { session } = await scriptedSession([say("Before."), say("Woken.")]);
    await sendAndWait(session.id, "first");
    await abortAllDurableObjects();
    const watch = await watchRoundTrips(session.id, simulatorUrl(), { recordRedis: true });
    try {
      expect(await sendAndWait(session.id, "again")).toMatchObject({
        status: "completed",
        message: { content: [{ type: "text", text: "Woken." }] },
      });
      const before = watch.beforeModel();
      // Its registration for notices, made by the turn before, still stands: no Redis round trip first.
      expect(before.filter((entry) => entry.startsWith("redis."))).toEqual([]);
      // Its history (the branch in use: two reads) and its inputs' check (the row and credential,
      // the agents, the MCP servers) — ten queries one after another until issue 15's fifth round,
      // and the user's message written first, so the request also waited for that commit.
      expect(before.filter((entry) => entry.startsWith("db.")).length).toBeLessThanOrEqual(6);
      expect(before.filter((entry) => entry.startsWith("storage."))).toEqual([]);
    } finally {
      await watch.stop();
    }
  });

  it("woken from hibernation, reads what the next turn needs when told someone is writing, so the turn reads nothing", async () => {
    const { session } = await scriptedSession([say("Before."), say("Prepared.")]);
    await sendAndWait(session.id, "first");
    await abortAllDurableObjects();
    const web = await joinSocket(session.id, "web");
    const watch = await watchRoundTrips(session.id, simulatorUrl());
    try {
      web.send({ type: "prepare" });
      // The reads have no reply: wait until the object has been quiet for a while.
      for (let seen = -1; seen !== watch.log.length;) {
        seen = watch.log.length;
        await settle(250);
      }
      expect(watch.log.filter((entry) => entry.startsWith("db."))).not.toEqual([]);
      watch.log.length = 0;
      web.send({ type: "send", text: "now" });
      expect(await web.next("turn_end")).toMatchObject({
        status: "completed",
        message: { content: [{ type: "text", text: "Prepared." }] },
      });
      expect(watch.beforeModel()).toEqual([]);
    } finally {
      await watch.stop();
      web.close();
    }
  });

  it("checks again once what it holds is older than the bound, so a lost notice heals", async () => {
    const { session } = await scriptedSession([say("One."), say("Two."), say("Three.")]);
    await sendAndWait(session.id, "first");
    const watch = await watchRoundTrips(session.id, simulatorUrl());
    try {
      await sendAndWait(session.id, "warm");
      expect(watch.beforeModel()).toEqual([]);
      // The Worker, its objects and this test share one clock: move it past the bound.
      const realNow = Date.now.bind(Date);
      vi.spyOn(Date, "now").mockImplementation(() => realNow() + TRUST_MS);
      watch.log.length = 0;
      await sendAndWait(session.id, "later");
      expect(watch.beforeModel()).toContain("db.select");
    } finally {
      vi.restoreAllMocks();
      await watch.stop();
    }
  });

  it("checks before every turn while Redis is down, and still sees a change", async () => {
    const { session } = await scriptedSession([say("One."), say("Two.")]);
    const watch = await watchRoundTrips(session.id, simulatorUrl(), { failingRedis: true });
    try {
      expect(await sendAndWait(session.id, "first")).toMatchObject({ status: "completed" });
      watch.log.length = 0;
      expect(await sendAndWait(session.id, "second")).toMatchObject({ status: "completed" });
      expect(watch.beforeModel()).toContain("db.select");
      await client().credentials.update(session.credential_id as CredentialId, { is_enabled: false });
      expect(await sendAndWait(session.id, "while disabled")).toMatchObject({ status: "failed" });
    } finally {
      await watch.stop();
    }
  });

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

  it("uses the tokens of a new sign-in to the same credential on the next turn", async () => {
    const account = `acct-warm-${crypto.randomUUID().slice(0, 8)}`;
    const credential = await loginCodex(account);
    await registerScript(simulatorUrl(), account, [say("Before."), say("After.")]);
    const session = await client().sessions.create({ provider: "codex", model: "gpt-5.5", credential_id: credential.id });
    expect(await sendAndWait(session.id, "first")).toMatchObject({ status: "completed" });
    await loginCodex(account, { credentialId: credential.id });
    expect(await sendAndWait(session.id, "second")).toMatchObject({ status: "completed" });
    const [before, after] = await recordedRequests(simulatorUrl(), account);
    const rotated = (await storedTokens(credential.id))?.access_token;
    expect(bearerOf(before)).not.toBe(rotated);
    expect(bearerOf(after)).toBe(rotated);
  });

  it("uses the token the refresh cron renewed on the next turn", async () => {
    const account = `acct-warm-${crypto.randomUUID().slice(0, 8)}`;
    // Nine minutes: no turn refreshes it (five), the cron does (ten).
    const credential = await loginCodex(account, { expiresIn: 9 * 60 });
    await registerScript(simulatorUrl(), account, [say("Before."), say("After.")]);
    const session = await client().sessions.create({ provider: "codex", model: "gpt-5.5", credential_id: credential.id });
    expect(await sendAndWait(session.id, "first")).toMatchObject({ status: "completed" });
    await runCron();
    expect(await sendAndWait(session.id, "second")).toMatchObject({ status: "completed" });
    const [before, after] = await recordedRequests(simulatorUrl(), account);
    const renewed = (await storedTokens(credential.id))?.access_token;
    expect(bearerOf(before)).not.toBe(renewed);
    expect(bearerOf(after)).toBe(renewed);
  });

  it("sees an MCP server disabled through its route on the next turn", async () => {
    const server = await client().mcpServers.create({
      name: `warm-${Date.now() % 100_000}`,
      transport: "streamable_http",
      url: `${inject("mcpEverythingUrl")}/mcp`,
    });
    try {
      const { session, key } = await scriptedSession([say("With it."), say("Without it.")], { extra: { enabled_mcp: [server.name] } });
      await sendAndWait(session.id, "first");
      await client().mcpServers.update(server.id, { is_enabled: false });
      await sendAndWait(session.id, "second");
      const [first, second] = await recordedRequests(simulatorUrl(), key);
      expect(offered(first?.body)).toContain(`${server.name}__echo`);
      expect(offered(second?.body)).not.toContain(`${server.name}__echo`);
    } finally {
      await client().mcpServers.delete(server.id);
    }
  });

  it("sees a tool disabled through its route on the next turn", async () => {
    const { session, key } = await scriptedSession([say("One."), say("Two.")]);
    await sendAndWait(session.id, "first");
    const [first] = await recordedRequests(simulatorUrl(), key);
    const name = offered(first?.body)[0];
    const tool = (await client().tools.list()).data.find((each) => each.name === name);
    if (tool === undefined) throw new Error("a scripted session is offered the Worker's built-in tools");
    await client().tools.update(tool.id, { is_enabled: false });
    try {
      await sendAndWait(session.id, "second");
      const [, second] = await recordedRequests(simulatorUrl(), key);
      expect(offered(second?.body)).not.toContain(name);
    } finally {
      await client().tools.update(tool.id, { is_enabled: true });
    }
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
      expect(offered(before?.body)).not.toContain("notes__search");
      expect(offered(after?.body)).toContain("notes__search");
    } finally {
      tunnel.close();
    }
  });

  it("drops an agent's tools on the first turn after it leaves, and offers what it registers anew", async () => {
    const agent = await createAgent();
    const notes = (tool: string) => ({ register: { mcp: [{ name: "notes", tools: [{ ...BUILTIN_SPECS[0]!, name: tool }] }] } });
    const first = await connectAgent(agent, notes("search"));
    const { session, key } = await scriptedSession([say("Here."), say("Gone."), say("Back.")], {
      extra: { agent_id: agent.id as AgentId },
    });
    await sendAndWait(session.id, "while connected");
    first.close();
    await waitUntilConnected(agent.id, false);
    await sendAndWait(session.id, "after it left");
    const second = await connectAgent(agent, notes("lookup"));
    try {
      await sendAndWait(session.id, "after it came back");
      const [connected, left, back] = await recordedRequests(simulatorUrl(), key);
      expect(offered(connected?.body)).toContain("notes__search");
      expect(offered(left?.body)).not.toContain("notes__search");
      expect(offered(back?.body)).toContain("notes__lookup");
      expect(offered(back?.body)).not.toContain("notes__search");
    } finally {
      second.close();
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
    const [row] = await answerRows(session.id);
    expect(row).toMatchObject({ id: end.message?.id, inputTokens: 100, outputTokens: 10, status: "complete" });
    // With the raw exchange it was asked and answered with (for exports), which its outbox note leaves out.
    expect(JSON.stringify(row?.rawRequest)).toContain("hello");
    expect(row?.rawResponse).not.toBeNull();
    web.close();
  });

  it("starts its Postgres write only once turn_end is committed, so the insert never holds the frame", async () => {
    // Paced, so the user message's own insert is done before the answer comes.
    const { session } = await scriptedSession([
      say("Warm."),
      { steps: [{ kind: "text", text: "After the frame, slowly." }], chunk_delay_ms: 40 },
    ]);
    await sendAndWait(session.id, "first");
    const watch = await watchRoundTrips(session.id, simulatorUrl());
    try {
      expect(await sendAndWait(session.id, "second")).toMatchObject({ status: "completed" });
      const ended = watch.log.findIndex((entry) => entry.startsWith("storage.frames") && entry.includes("turn_end"));
      // A shown message is written in one statement (writeMessageOnce): the turn's last query.
      const inserted = watch.log.lastIndexOf("db.query");
      expect(ended, watch.log.join("\n")).toBeGreaterThanOrEqual(0);
      // The answer's outbox note and turn_end were written, and committed, before the insert began.
      expect(inserted, watch.log.join("\n")).toBeGreaterThan(ended);
      expect(watch.log.slice(0, inserted).some((entry) => entry.startsWith("storage.put outbox"))).toBe(true);
      expect(await answerRows(session.id)).toHaveLength(2);
    } finally {
      await watch.stop();
    }
  });

  it("is committed with turn_end without the tokens it holds, which follow with the next write", async () => {
    const { session } = await scriptedSession([say("Warm."), say("A quick answer of a few words, streamed at once.")]);
    const web = await joinSocket(session.id, "web");
    // The first turn ends with the session's new totals (once its answer is in Postgres); its
    // tokens are then put on disk, so neither lands among the second turn's writes.
    web.send({ type: "send", text: "first" });
    await web.next("turn_end");
    await web.next("session_update");
    await runInDurableObject(sessionStub(env, session.id), (instance: SessionDO) => instance.events.flush());
    const watch = await watchRoundTrips(session.id, simulatorUrl());
    try {
      web.send({ type: "send", text: "second" });
      expect(await web.next("turn_end")).toMatchObject({ status: "completed" });
      const frameWrites = () => watch.log.filter((entry) => entry.startsWith("storage.frames"));
      const ended = frameWrites().findIndex((entry) => entry.includes("turn_end"));
      expect(ended, watch.log.join("\n")).toBeGreaterThanOrEqual(0);
      // The user's message, the answer and turn_end went to disk, and to the clients, without a token frame…
      expect(
        frameWrites()
          .slice(0, ended + 1)
          .join("\n"),
      ).not.toMatch(/\bevent\b/);
      // …which follow with the next write (the session's new totals), or within the flush interval.
      await vi.waitFor(
        () =>
          expect(
            frameWrites()
              .slice(ended + 1)
              .join("\n"),
          ).toMatch(/\bevent\b/),
        { timeout: 3000, interval: 50 },
      );
    } finally {
      await watch.stop();
      web.close();
    }
  });

  it("has its outbox note deleted beside another storage write, and none left once the turn's writes are done", async () => {
    const { session } = await scriptedSession([say("Warm."), say("One."), say("Two.")]);
    await sendAndWait(session.id, "warm");
    const watch = await watchRoundTrips(session.id, simulatorUrl());
    try {
      for (const text of ["one", "two"]) await sendAndWait(session.id, text);
      // Written, so its notes are gone too: a restart now writes nothing again.
      const notes = await runInDurableObject(sessionStub(env, session.id), (instance: SessionDO) => instance.storage.list("outbox:"));
      expect(notes).toEqual([]);
      const log = watch.log;
      const deletes = log.flatMap((entry, index) => (entry === "storage.delete outbox" ? [index] : []));
      // Both turns' user messages and answers (and the warm-up's, if its end came after the watch began).
      expect(deletes.length, log.join("\n")).toBeGreaterThanOrEqual(4);
      // Each beside another storage write (a note, the event log's), never after a query alone.
      for (const index of deletes) {
        const next = log.slice(index + 1).find((entry) => entry !== "storage.delete outbox");
        expect(next, log.join("\n")).toMatch(/^storage\.(put|sql|frames)/);
      }
    } finally {
      await watch.stop();
    }
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
    // The outbox note is small whatever the conversation's length: the raw exchange is what a crash loses.
    expect(rows[0]?.rawRequest).toBeNull();
    // And the conversation continues from it: the next answer's parent is the stored one.
    const next = await sendAndWait(session.id, "again");
    expect(next).toMatchObject({ status: "completed" });
    const listed = await (await api(`/sessions/${session.id}/messages`)).json<{ data: Message[] }>();
    expect(listed.data.map((message) => message.role)).toEqual(["assistant", "user", "assistant", "user"]);
  });

  it("is in the snapshot of a client that joins just after turn_end, even when its first write fails", async () => {
    const { session } = await scriptedSession([say("Seen by latecomers.")]);
    await refuseAnswers(session.id, "once");
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "hello" });
    const ended = await web.next("turn_end");
    // The answer's row is written after turn_end, and here again after a refusal: a fresh join's
    // snapshot is read from Postgres, and nothing after it would show the answer again.
    const late = await joinSocket(session.id, "tui");
    const snapshot = late.received.find((frame) => frame.type === "snapshot");
    expect(snapshot?.type === "snapshot" && snapshot.messages.at(-1)).toMatchObject({
      id: ended.message?.id,
      content: [{ type: "text", text: "Seen by latecomers." }],
    });
    web.close();
    late.close();
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
