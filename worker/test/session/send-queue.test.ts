// Proves (issue 13 §5, §7): a message sent while a turn runs is queued — every client sees the
// queue, it can be edited and cancelled until it starts (409 QUEUE_ENTRY_STARTED after), and it
// starts its own turn when the running one ends; a cancelled or failed turn pauses the queue until someone
// resumes it; the queue is capped, survives a restart, and an archived session refuses. A client's
// request_id comes back on the user's message, the queue entry, turn_end and approval_result.
import { MAX_QUEUED_MESSAGES, type QueueEntry, type SessionId, type TurnResult } from "@maestro/protocol";
import { abortAllDurableObjects, env, runInDurableObject } from "cloudflare:test";
import type { SessionDO } from "../../src/session/session-do.ts";
import { describe, expect, it } from "vitest";
import { api, client } from "../helpers/api.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { type TestSocket, joinSocket, openSocket, settle } from "../helpers/socket.ts";
import { waitForTurn } from "../helpers/turns.ts";

/** A first turn that stays open until someone answers its approval. */
const writeCall = (id: string) => ({
  steps: [{ kind: "tool_calls" as const, calls: [{ id, name: "write_file", args: { path: "notes.md", content: "x" } }] }],
});

const post = (sessionId: SessionId, body: Record<string, unknown>, query = "") =>
  api(`/sessions/${sessionId}/messages${query}`, { method: "POST", body: JSON.stringify(body) });

/** The next `queue` frame whose list matches. */
async function nextQueue(socket: TestSocket, length: number) {
  for (;;) {
    const frame = await socket.next("queue");
    if (frame.queue.length === length) return frame;
  }
}

describe("the send queue over the socket", () => {
  it("queues a message sent while a turn runs, shows it to every client, and starts it when the turn ends", async () => {
    const { session } = await scriptedSession([writeCall("toolu_q1"), say("Written."), say("The second answer.")], {
      approval_mode: "ask",
    });
    const web = await joinSocket(session.id, "web");
    const tui = await joinSocket(session.id, "tui");
    web.send({ type: "send", text: "write notes", request_id: "web-1" });
    const first = await web.next("message");
    expect(first).toMatchObject({ request_id: "web-1", message: { role: "user" } });
    await web.next("approval_request");

    tui.send({ type: "send", text: "then summarise them", request_id: "tui-1" });
    const [onWeb, onTui] = await Promise.all([nextQueue(web, 1), nextQueue(tui, 1)]);
    expect(onWeb.queue).toEqual(onTui.queue);
    expect(onWeb).toMatchObject({ paused: false, queue: [{ text: "then summarise them", request_id: "tui-1", by: "tui" }] });

    web.send({ type: "approve", call_id: "toolu_q1", decision: "approve", request_id: "web-approve" });
    expect(await web.next("approval_result")).toMatchObject({ call_id: "toolu_q1", by: "web", request_id: "web-approve" });
    const firstEnd = await web.next("turn_end");
    expect(firstEnd).toMatchObject({ status: "completed", request_id: "web-1", turn_id: first.message.turn_id });

    // The queued message starts by itself: its user message, then the emptied queue.
    const second = await web.next("message");
    expect(second).toMatchObject({
      request_id: "tui-1",
      message: { role: "user", content: [{ type: "text", text: "then summarise them" }] },
    });
    expect((await nextQueue(web, 0)).queue).toEqual([]);
    const secondEnd = await web.next("turn_end");
    expect(secondEnd).toMatchObject({
      status: "completed",
      request_id: "tui-1",
      turn_id: second.message.turn_id,
      message: { content: [{ type: "text", text: "The second answer." }] },
    });

    // A client that joins now finds which turn each request started in its snapshot.
    const late = await joinSocket(session.id, "api");
    expect(late.received[0]).toMatchObject({
      type: "snapshot",
      queue: [],
      requests: [
        { request_id: "web-1", turn_id: first.message.turn_id },
        { request_id: "tui-1", turn_id: second.message.turn_id },
      ],
    });
    for (const socket of [web, tui, late]) socket.close();
  });

  it("queues the second of two sends that arrive together on an idle session, instead of refusing it", async () => {
    const { session } = await scriptedSession([say("First."), say("Second.")]);
    const web = await joinSocket(session.id, "web");
    const tui = await joinSocket(session.id, "tui");
    web.send({ type: "send", text: "one", request_id: "race-web" });
    tui.send({ type: "send", text: "two", request_id: "race-tui" });
    const first = await web.next("turn_end");
    const second = await web.next("turn_end");
    expect([first, second].map((end) => end.status)).toEqual(["completed", "completed"]);
    expect(new Set([first.request_id, second.request_id])).toEqual(new Set(["race-web", "race-tui"]));
    expect([...web.received, ...tui.received].filter((frame) => frame.type === "error")).toEqual([]);
    web.close();
    tui.close();
  });

  it("edits and cancels a queued message; once started it can no longer be changed", async () => {
    const { session } = await scriptedSession([writeCall("toolu_q2"), say("Written."), say("Edited answer.")], { approval_mode: "ask" });
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "write notes" });
    await web.next("approval_request");
    web.send({ type: "send", text: "first draft" });
    web.send({ type: "send", text: "never mind this one" });
    const both = await nextQueue(web, 2);
    const [keep, drop] = both.queue as [QueueEntry, QueueEntry];

    web.send({ type: "queue_edit", id: keep.id, text: "the edited text" });
    expect((await nextQueue(web, 2)).queue[0]).toMatchObject({ id: keep.id, text: "the edited text" });
    web.send({ type: "queue_cancel", id: drop.id });
    expect((await nextQueue(web, 1)).queue.map((entry) => entry.id)).toEqual([keep.id]);
    web.send({ type: "queue_cancel", id: drop.id });
    expect(await web.next("error")).toMatchObject({ code: "QUEUE_ENTRY_NOT_FOUND" });

    web.send({ type: "approve", call_id: "toolu_q2", decision: "approve" });
    await web.next("turn_end");
    const started = await web.next("message");
    expect(started.message.content).toEqual([{ type: "text", text: "the edited text" }]);
    web.send({ type: "queue_edit", id: keep.id, text: "too late" });
    expect(await web.next("error")).toMatchObject({ code: "QUEUE_ENTRY_STARTED" });
    const late = await api(`/sessions/${session.id}/queue/${keep.id}`, { method: "DELETE" });
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ error: { code: "QUEUE_ENTRY_STARTED" } });
    expect((await web.next("turn_end")).message?.content).toEqual([{ type: "text", text: "Edited answer." }]);
    web.close();
  });

  it("pauses the queue after a cancelled turn, and resumes it when asked", async () => {
    const { session } = await scriptedSession([writeCall("toolu_q3"), say("After the resume.")], { approval_mode: "ask" });
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "write notes" });
    await web.next("approval_request");
    web.send({ type: "send", text: "waits for the user" });
    await nextQueue(web, 1);
    web.send({ type: "cancel" });
    expect((await web.next("turn_end")).status).toBe("cancelled");
    const paused = await web.next("queue");
    expect(paused).toMatchObject({ paused: true, queue: [{ text: "waits for the user" }] });
    await settle(100);
    expect(web.received.filter((frame) => frame.type === "message" && frame.message.role === "user")).toHaveLength(1);

    const resumed = await api(`/sessions/${session.id}/queue/resume`, { method: "POST" });
    expect(await resumed.json()).toMatchObject({ paused: false });
    const started = await web.next("message");
    expect(started.message.content).toEqual([{ type: "text", text: "waits for the user" }]);
    expect((await web.next("turn_end")).status).toBe("completed");
    web.close();
  });

  it("pauses after a failed turn too; the next send goes behind the waiting one and starts the queue", async () => {
    const broken = {
      steps: [{ kind: "text" as const, text: "one two three four five six seven eight" }],
      failure: { kind: "cut" as const, after_chunks: 6 },
    };
    const { session } = await scriptedSession([writeCall("toolu_q4"), broken, say("The queued one."), say("The newest one.")], {
      approval_mode: "ask",
    });
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "write notes" });
    await web.next("approval_request");
    web.send({ type: "send", text: "queued while it ran" });
    await nextQueue(web, 1);
    web.send({ type: "approve", call_id: "toolu_q4", decision: "approve" });
    expect((await web.next("turn_end")).status).toBe("failed");
    expect(await web.next("queue")).toMatchObject({ paused: true, queue: [{ text: "queued while it ran" }] });

    web.send({ type: "send", text: "the newest" });
    const texts: string[] = [];
    for (const expected of ["The queued one.", "The newest one."]) {
      const user = await web.next("message");
      texts.push(user.message.content[0]?.type === "text" ? user.message.content[0].text : "");
      expect((await web.next("turn_end")).message?.content).toEqual([{ type: "text", text: expected }]);
    }
    expect(texts).toEqual(["queued while it ran", "the newest"]);
    web.close();
  });
});

describe("the send queue over REST", () => {
  it("answers 202 {queued} while a turn runs; lists, edits and cancels; wait=true waits for its own turn", async () => {
    const { session } = await scriptedSession([writeCall("toolu_r1"), say("Written."), say("Queued answer."), say("Fourth answer.")], {
      approval_mode: "ask",
    });
    const web = await joinSocket(session.id, "web");
    const started = await post(session.id, { text: "write notes", request_id: "script-1" });
    expect(await started.json()).toMatchObject({ turn_id: expect.any(String), request_id: "script-1" });
    await web.next("approval_request");

    const queued = await post(session.id, { text: "second", request_id: "script-2" });
    expect(queued.status).toBe(202);
    const { queued: entry } = await queued.json<{ queued: QueueEntry }>();
    expect(entry).toMatchObject({ text: "second", request_id: "script-2", by: "api" });
    const other = (await (await post(session.id, { text: "third" })).json<{ queued: QueueEntry }>()).queued;

    const list = await api(`/sessions/${session.id}/queue`);
    expect(await list.json()).toMatchObject({ paused: false, data: [{ id: entry.id }, { id: other.id }] });
    const edited = await api(`/sessions/${session.id}/queue/${entry.id}`, {
      method: "PATCH",
      body: JSON.stringify({ text: "second, edited" }),
    });
    expect(await edited.json()).toMatchObject({ id: entry.id, text: "second, edited" });
    expect((await api(`/sessions/${session.id}/queue/${other.id}`, { method: "DELETE" })).status).toBe(200);
    const missing = await api(`/sessions/${session.id}/queue/${other.id}`, { method: "PATCH", body: JSON.stringify({ text: "x" }) });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "QUEUE_ENTRY_NOT_FOUND" } });

    // A third send that waits: it queues behind "second" and answers with its own turn.
    const waiting = post(session.id, { text: "fourth", request_id: "script-4" }, "?wait=true");
    await nextQueue(web, 2);
    web.send({ type: "approve", call_id: "toolu_r1", decision: "approve" });
    const result = await (await waiting).json<TurnResult>();
    expect(result).toMatchObject({
      status: "completed",
      request_id: "script-4",
      message: { content: [{ type: "text", text: "Fourth answer." }] },
    });
    const ends = web.received.filter((frame) => frame.type === "turn_end");
    expect(ends.map((frame) => frame.type === "turn_end" && frame.request_id)).toEqual(["script-1", "script-2", "script-4"]);
    web.close();
  });

  it("refuses more than MAX_QUEUED_MESSAGES, and any message to an archived session", async () => {
    const { session } = await scriptedSession([writeCall("toolu_r2")], { approval_mode: "ask" });
    const web = await joinSocket(session.id, "web");
    await post(session.id, { text: "write notes" });
    await web.next("approval_request");
    for (let index = 0; index < MAX_QUEUED_MESSAGES; index += 1) expect((await post(session.id, { text: `m${index}` })).status).toBe(202);
    const full = await post(session.id, { text: "one too many" });
    expect(full.status).toBe(409);
    expect(await full.json()).toMatchObject({ error: { code: "QUEUE_FULL" } });

    await client().sessions.archive(session.id);
    const archived = await post(session.id, { text: "after archiving" });
    expect(archived.status).toBe(409);
    expect(await archived.json()).toMatchObject({ error: { code: "SESSION_ARCHIVED" } });
    web.close();
  });

  it("keeps the queue across a restart, and the queue goes on after the interrupted turn", async () => {
    const { session } = await scriptedSession([writeCall("toolu_r3"), say("After the restart.")], { approval_mode: "ask" });
    const web = await joinSocket(session.id, "web");
    await post(session.id, { text: "write notes" });
    await web.next("approval_request");
    const { queued } = await (await post(session.id, { text: "survives", request_id: "after-crash" })).json<{ queued: QueueEntry }>();
    await settle(50);
    await abortAllDurableObjects();
    web.close();

    // The new object reads the queue from storage, before anything has recovered the turn.
    const stub = env.SESSION.get(env.SESSION.idFromName(session.id));
    const stored = await runInDurableObject(stub, (instance: SessionDO) => instance.queue.entries);
    expect(stored).toEqual([queued]);

    const back = await openSocket(session.id);
    back.send({ type: "hello", protocol_version: 1, client: "web" });
    // Joining closes the interrupted turn, and the queue starts the next one: before the snapshot
    // is read (it names the turn, and holds the message) or after (the message's frame does).
    const snapshot = await back.next("snapshot", 10_000);
    let turnId = snapshot.requests?.find((each) => each.request_id === "after-crash")?.turn_id;
    if (turnId !== undefined)
      expect(snapshot.messages.at(-1)).toMatchObject({ role: "user", turn_id: turnId, content: [{ type: "text", text: "survives" }] });
    while (turnId === undefined) {
      const frame = await back.next(undefined, 10_000);
      if (frame.type === "message" && frame.request_id === "after-crash") turnId = frame.message.turn_id ?? undefined;
    }
    expect(await waitForTurn(session.id, turnId)).toMatchObject({
      status: "completed",
      request_id: "after-crash",
      message: { content: [{ type: "text", text: "After the restart." }] },
    });
    back.close();
  });

  it("streams a queued send's own turn as server-sent events, from when it starts to its turn_end", async () => {
    const { session } = await scriptedSession([writeCall("toolu_r4"), say("Written."), say("Streamed after waiting.")], {
      approval_mode: "ask",
    });
    const web = await joinSocket(session.id, "web");
    await post(session.id, { text: "write notes" });
    await web.next("approval_request");
    const streaming = api(`/sessions/${session.id}/messages`, {
      method: "POST",
      headers: { accept: "text/event-stream" },
      body: JSON.stringify({ text: "stream me", request_id: "sse-1" }),
    });
    await nextQueue(web, 1);
    const answer = await api(`/sessions/${session.id}/approvals/toolu_r4`, {
      method: "POST",
      body: JSON.stringify({ decision: "approve", request_id: "rest-approve" }),
    });
    expect(answer.status).toBe(200);
    expect(await web.next("approval_result")).toMatchObject({ by: "api", request_id: "rest-approve" });
    const text = await (await streaming).text();
    expect(text).toMatch(/^: queued [0-9a-f-]{36}\n\n/);
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(events[0]).toBe("message");
    expect(events.at(-1)).toBe("turn_end");
    expect(text).toContain('"request_id":"sse-1"');
    expect(text).toContain("Streamed after waiting.");
    expect(text).not.toContain("Written.");
    web.close();
  });

  it("is in the OpenAPI document: the queued 202, the queue routes, request_id on send and approve", async () => {
    const document = await (
      await api("/openapi.json")
    ).json<{
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, unknown> }>
      >;
    }>();
    const send = document.paths["/sessions/{id}/messages"]?.post;
    expect(JSON.stringify(send?.responses["202"])).toContain("queued");
    expect(JSON.stringify(send?.requestBody)).toContain("request_id");
    expect(JSON.stringify(document.paths["/sessions/{id}/approvals/{call_id}"]?.post?.requestBody)).toContain("request_id");
    expect(document.paths["/sessions/{id}/queue"]?.get).toBeDefined();
    expect(document.paths["/sessions/{id}/queue/{entry_id}"]?.patch).toBeDefined();
    expect(document.paths["/sessions/{id}/queue/{entry_id}"]?.delete).toBeDefined();
    expect(document.paths["/sessions/{id}/queue/resume"]?.post).toBeDefined();
  });
});
