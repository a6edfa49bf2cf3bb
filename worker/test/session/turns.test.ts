// Proves, end to end (sockets → SessionDO → simulator, Postgres underneath): a message's answer
// streams to every client and is stored with tokens, cost, timings and its raw exchange; tools
// run in a loop with approvals answered from any client; wait=true and SSE answer with the turn;
// cancel, retry, broken streams and restarts leave the session usable and lose no stored message.
import { PROTOCOL_VERSION, type SessionId } from "@maestro/protocol";
import { abortAllDurableObjects } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { messages, toolExecutions } from "../../src/db/schema.ts";
import { api, client } from "../helpers/api.ts";
import { withDb } from "../helpers/db.ts";
import { captureLogs } from "../helpers/logs.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket, openSocket, settle } from "../helpers/socket.ts";
import { started, waitForTurn } from "../helpers/turns.ts";
import { recordedRequests } from "../simulators/client.ts";

const storedMessages = (sessionId: SessionId) =>
  withDb((db) => db.select().from(messages).where(eq(messages.sessionId, sessionId)).orderBy(messages.createdAt));

describe("a turn", () => {
  it("streams the answer to every client and stores it with tokens, cost and timings", async () => {
    const logs = captureLogs();
    const { session, key } = await scriptedSession([
      {
        steps: [
          { kind: "thinking", text: "Greet back." },
          { kind: "text", text: "Hello! How can I help today?" },
        ],
        usage: { input_tokens: 1200, output_tokens: 40, cache_read_tokens: 5000, cache_write_tokens: 100 },
      },
    ]);
    const web = await joinSocket(session.id, "web");
    const tui = await joinSocket(session.id, "tui");
    web.send({ type: "send", text: "hello" });
    const [endWeb, endTui] = await Promise.all([web.next("turn_end"), tui.next("turn_end")]);
    // turn_end comes before the answer's row is written; a wait for the turn answers once it is.
    await waitForTurn(session.id, endWeb.turn_id);
    // The call is logged a moment after its step, off the path of the next turn's start.
    const line = await logs.line((text) => text.includes('"event":"provider.call"') && text.includes(session.id));
    logs.stop();
    expect(endWeb).toEqual(endTui);
    expect(endWeb.status).toBe("completed");

    const deltas = (frames: typeof web.received) =>
      frames.flatMap((frame) => (frame.type === "event" && frame.event.type === "text_delta" ? [frame.event.text] : []));
    expect(deltas(web.received).join("")).toBe("Hello! How can I help today?");
    expect(deltas(tui.received)).toEqual(deltas(web.received));

    const answer = endWeb.message;
    // claude-sonnet-4-5: 1200 × $3 + 40 × $15 + 5000 × $0.30 + 100 × $6 (1 h cache write), per million.
    expect(answer).toMatchObject({
      role: "assistant",
      status: "complete",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      content: [
        { type: "thinking", text: "Greet back.", signature: expect.stringMatching(/^sim-sig-/) },
        { type: "text", text: "Hello! How can I help today?" },
      ],
      usage: { input_tokens: 1200, output_tokens: 40, cache_read_tokens: 5000, cache_write_tokens: 100 },
      cost_usd: 0.0063,
      stop_reason: "end_turn",
    });
    expect(answer?.latency_ms).toEqual(expect.any(Number));
    expect(answer?.time_to_first_token_ms).toBeLessThanOrEqual(answer?.latency_ms ?? 0);

    const rows = await storedMessages(session.id);
    expect(rows.map((row) => row.role)).toEqual(["user", "assistant"]);
    const stored = rows[1];
    expect(stored?.rawRequest).toMatchObject({
      url: expect.stringContaining("/v1/messages"),
      body: { model: "claude-sonnet-4-5", stream: true },
    });
    expect(JSON.stringify(stored?.rawRequest)).not.toContain(key);
    expect(JSON.stringify(stored?.rawRequest)).toContain("[redacted]");
    expect(stored?.rawResponse).toMatchObject({ status: 200 });
    expect((stored?.rawResponse as { events: unknown[] }).events.length).toBeGreaterThan(3);

    expect(JSON.parse(line)).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      input_tokens: 1200,
      output_tokens: 40,
      cost_usd: 0.0063,
      status: "complete",
    });
    expect(logs.lines.join("\n")).not.toContain(key);
    web.close();
    tui.close();
  });

  it("sends the stored conversation back on the next turn, system prompt included", async () => {
    const { session, key } = await scriptedSession([say("First."), say("Second.")]);
    await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "one" }) });
    await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "two" }) });
    const [, second] = await recordedRequests(inject("simulatorUrl"), key);
    const body = second?.body as { system: { text: string }[]; messages: { role: string }[] };
    expect(body.system[0]?.text).toBe("You are a test.");
    expect(body.messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
  });

  it("answers with the finished turn when asked to wait, and as server-sent events when asked to stream", async () => {
    const { session } = await scriptedSession([say("Waited for."), say("Streamed.")]);
    const waited = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "wait" }) });
    expect(waited.status).toBe(200);
    expect(await waited.json()).toMatchObject({
      status: "completed",
      message: { role: "assistant", content: [{ type: "text", text: "Waited for." }] },
    });

    const streamed = await api(`/sessions/${session.id}/messages`, {
      method: "POST",
      body: JSON.stringify({ text: "stream" }),
      headers: { accept: "text/event-stream" },
    });
    expect(streamed.headers.get("content-type")).toContain("text/event-stream");
    const text = await streamed.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(events[0]).toBe("message");
    expect(events.at(-1)).toBe("turn_end");
    expect(events.filter((event) => event === "event").length).toBeGreaterThan(2);
    const data = [...text.matchAll(/^data: (.+)$/gm)].map((match) => JSON.parse(match[1] ?? "{}") as { type: string; seq: number });
    expect(data.map((frame) => frame.seq)).toEqual([...data.map((frame) => frame.seq)].sort((a, b) => a - b));
    // The stream ends once the answer is stored: read right after, the history has it.
    const page = await api(`/sessions/${session.id}/messages`);
    const [newest] = (await page.json<{ data: { role: string; content: unknown }[] }>()).data;
    expect(newest).toMatchObject({ role: "assistant", content: [{ type: "text", text: "Streamed." }] });
  });

  it("queues a second message while a turn runs (send-queue.test.ts has the rest)", async () => {
    const { session } = await scriptedSession([{ steps: [{ kind: "text", text: "slow ".repeat(30) }], chunk_delay_ms: 20 }, say("Two.")]);
    const first = started(await client().messages.send(session.id, { text: "one" }));
    const second = await api(`/sessions/${session.id}/messages`, { method: "POST", body: JSON.stringify({ text: "two" }) });
    expect(second.status).toBe(202);
    expect(await second.json()).toMatchObject({ queued: { text: "two", by: "api" } });
    await waitForTurn(session.id, first.turn_id);
  });

  it("fails clearly when the session has no credential, and stays usable", async () => {
    const session = await client().sessions.create({ provider: "anthropic", model: "claude-sonnet-4-5" });
    const response = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "hi" }) });
    expect(await response.json()).toMatchObject({
      status: "failed",
      message: { status: "error", error: expect.stringContaining("no credential") },
    });
  });
});

describe("tools in a turn", () => {
  it("runs a worker tool, records it, and feeds the result back to the model", async () => {
    const simulatorUrl = inject("simulatorUrl");
    const target = `${simulatorUrl}/__sim/requests?key=nobody`;
    const { session, key } = await scriptedSession(
      [
        {
          steps: [
            { kind: "text", text: "Fetching." },
            { kind: "tool_calls", calls: [{ id: "toolu_fetch1", name: "fetch_url", args: { url: target } }] },
          ],
        },
        say("Fetched it."),
      ],
      { approval_mode: "auto" },
    );
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "fetch it" });
    const result = await web.next("event");
    void result;
    const end = await web.next("turn_end");
    expect(end).toMatchObject({ status: "completed", message: { content: [{ type: "text", text: "Fetched it." }] } });
    const toolResult = web.received.find((frame) => frame.type === "event" && frame.event.type === "tool_result");
    expect(toolResult).toMatchObject({
      event: { call_id: "toolu_fetch1", name: "fetch_url", ok: true, output: expect.stringContaining("HTTP 200") },
    });
    expect(web.received.some((frame) => frame.type === "event" && frame.event.type === "tool_progress")).toBe(true);

    const [, second] = await recordedRequests(simulatorUrl, key);
    const sentBack = (second?.body as { messages: { role: string; content: { type: string; content?: string }[] }[] }).messages.at(-1);
    expect(sentBack?.content[0]).toMatchObject({ type: "tool_result", content: expect.stringContaining('{"requests":[]}') });

    await waitForTurn(session.id, end.turn_id);
    const audit = await withDb((db) => db.select().from(toolExecutions).where(eq(toolExecutions.sessionId, session.id)));
    expect(audit).toMatchObject([
      { toolName: "fetch_url", callId: "toolu_fetch1", status: "ok", params: { url: target }, source: "worker" },
    ]);
    const stored = await storedMessages(session.id);
    expect(stored.map((row) => row.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    // The stored result keeps how long the call took, as the live event said, for later readers.
    const liveDuration = toolResult?.type === "event" && toolResult.event.type === "tool_result" ? toolResult.event.duration_ms : -1;
    expect(stored[2]?.content).toMatchObject([{ type: "tool_result", call_id: "toolu_fetch1", duration_ms: liveDuration }]);
    web.close();
  });

  it("answers a local tool with a clear 'no local agent connected' error the model reads", async () => {
    const { session, key } = await scriptedSession(
      [{ steps: [{ kind: "tool_calls", calls: [{ name: "read_file", args: { path: "README.md" } }] }] }, say("No agent, sorry.")],
      {
        approval_mode: "auto",
      },
    );
    const result = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "read it" }) });
    expect(await result.json()).toMatchObject({ status: "completed" });
    const [, second] = await recordedRequests(inject("simulatorUrl"), key);
    const toolResult = (second?.body as { messages: { content: { type: string; content?: string; is_error?: boolean }[] }[] }).messages.at(
      -1,
    )?.content[0];
    expect(toolResult).toMatchObject({
      type: "tool_result",
      is_error: true,
      content: expect.stringContaining("No local agent is connected"),
    });
  });
});

describe("approvals", () => {
  const writeCall = {
    steps: [{ kind: "tool_calls" as const, calls: [{ id: "toolu_w1", name: "write_file", args: { path: "notes.md", content: "x" } }] }],
  };

  it("asks every client; the first answer wins, everyone hears it, a late answer is refused", async () => {
    const { session } = await scriptedSession([writeCall, say("Done.")], { approval_mode: "ask" });
    const web = await joinSocket(session.id, "web");
    const tui = await joinSocket(session.id, "tui");
    web.send({ type: "send", text: "write notes" });
    const [onWeb, onTui] = await Promise.all([web.next("approval_request"), tui.next("approval_request")]);
    expect(onWeb).toEqual(onTui);
    expect(onWeb).toMatchObject({ call_id: "toolu_w1", tool: "write_file", kind: "edit", args: { path: "notes.md" } });

    tui.send({ type: "approve", call_id: "toolu_w1", decision: "approve" });
    const [resultWeb, resultTui] = await Promise.all([web.next("approval_result"), tui.next("approval_result")]);
    expect(resultWeb).toMatchObject({ call_id: "toolu_w1", decision: "approve", by: "tui" });
    expect(resultTui).toEqual(resultWeb);
    web.send({ type: "approve", call_id: "toolu_w1", decision: "deny" });
    expect((await web.next("error")).code).toBe("APPROVAL_NOT_FOUND");
    const end = await web.next("turn_end");
    expect(end.status).toBe("completed");
    // Approved, then run: a local tool, so it answers that no agent is connected.
    expect(web.received.find((frame) => frame.type === "event" && frame.event.type === "tool_result")).toMatchObject({
      event: { ok: false, error_code: "AGENT_OFFLINE" },
    });
    web.close();
    tui.close();
  });

  it("tells the model about a denial (through the API) and does not run the tool", async () => {
    const { session, key } = await scriptedSession([writeCall, say("Understood.")], { approval_mode: "ask" });
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "write notes" });
    await web.next("approval_request");
    const answer = await api(`/sessions/${session.id}/approvals/toolu_w1`, {
      method: "POST",
      body: JSON.stringify({ decision: "deny", reason: "not now" }),
    });
    expect(answer.status).toBe(200);
    expect((await web.next("approval_result")).by).toBe("api");
    await waitForTurn(session.id, (await web.next("turn_end")).turn_id);
    const [, second] = await recordedRequests(inject("simulatorUrl"), key);
    const toolResult = (second?.body as { messages: { content: { content?: string }[] }[] }).messages.at(-1)?.content[0];
    expect(toolResult?.content).toBe("The user denied this call: not now");
    const audit = await withDb((db) => db.select().from(toolExecutions).where(eq(toolExecutions.sessionId, session.id)));
    expect(audit).toMatchObject([{ toolName: "write_file", status: "denied", source: "local" }]);
    web.close();
  });

  it("audits a huge write by its first few thousand characters, while the conversation keeps it whole", async () => {
    const content = "y".repeat(100_000);
    // With thinking on, Claude opens a tool call with a thinking block (the simulator would add one).
    const hugeWrite = {
      steps: [
        { kind: "thinking" as const, text: "Write the big file.", signature: "sig-big" },
        { kind: "tool_calls" as const, calls: [{ id: "toolu_big1", name: "write_file", args: { path: "big.txt", content } }] },
      ],
    };
    const { session } = await scriptedSession([hugeWrite, say("Fine.")], { approval_mode: "ask" });
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "write a big file" });
    await web.next("approval_request");
    web.send({ type: "approve", call_id: "toolu_big1", decision: "deny" });
    await waitForTurn(session.id, (await web.next("turn_end")).turn_id);
    const [audit] = await withDb((db) => db.select().from(toolExecutions).where(eq(toolExecutions.sessionId, session.id)));
    const params = audit?.params as { path: string; content: string };
    expect(params.path).toBe("big.txt");
    expect(params.content.length).toBeLessThan(4100);
    expect(params.content).toMatch(/^y{4000}… \[100000 characters in all\]$/);
    const stored = await storedMessages(session.id);
    expect(stored[1]?.content).toMatchObject([
      { type: "thinking", text: "Write the big file.", signature: "sig-big" },
      { type: "tool_call", call_id: "toolu_big1", args: { content } },
    ]);
    web.close();
  });

  it("puts the question in a streamed (SSE) turn too, so an API client can answer it", async () => {
    const { session } = await scriptedSession([writeCall, say("Written.")], { approval_mode: "ask" });
    const response = await api(`/sessions/${session.id}/messages`, {
      method: "POST",
      body: JSON.stringify({ text: "write" }),
      headers: { accept: "text/event-stream" },
    });
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error("no body");
    const decoder = new TextDecoder();
    let text = "";
    let answered = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (!answered && text.includes("event: approval_request")) {
        answered = true;
        const answer = await api(`/sessions/${session.id}/approvals/toolu_w1`, {
          method: "POST",
          body: JSON.stringify({ decision: "approve" }),
        });
        expect(answer.status).toBe(200);
      }
    }
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(events).toEqual(expect.arrayContaining(["approval_request", "approval_result", "turn_end"]));
    expect(events.at(-1)).toBe("turn_end");
    expect(events.indexOf("approval_request")).toBeLessThan(events.indexOf("approval_result"));
  });

  it("turns an unanswered request into a denial when it times out", async () => {
    const { session, key } = await scriptedSession([writeCall, say("Nobody answered.")], { approval_mode: "ask" });
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "write notes" });
    const request = await web.next("approval_request");
    expect(Date.parse(request.expires_at) - Date.now()).toBeLessThan(2000);
    expect(await web.next("approval_result", 5000)).toMatchObject({ decision: "deny", by: "timeout" });
    await web.next("turn_end");
    const [, second] = await recordedRequests(inject("simulatorUrl"), key);
    expect(JSON.stringify(second?.body)).toContain("Nobody approved this call in time");
    web.close();
  });

  it("shows a waiting approval to a client that joins late, and remembers approve-for-session", async () => {
    // A real API never hands out the same tool call id twice (it refuses a history that repeats one).
    const secondWrite = {
      steps: [{ kind: "tool_calls" as const, calls: [{ id: "toolu_w2", name: "write_file", args: { path: "notes.md", content: "y" } }] }],
    };
    const { session } = await scriptedSession([writeCall, say("First done."), secondWrite, say("Second done.")], { approval_mode: "ask" });
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "write" });
    await web.next("approval_request");
    const late = await openSocket(session.id);
    late.send({ type: "hello", protocol_version: PROTOCOL_VERSION, client: "tui" });
    const snapshot = await late.next("snapshot");
    expect(snapshot.turn?.approvals).toMatchObject([{ call_id: "toolu_w1", tool: "write_file" }]);
    late.send({ type: "approve", call_id: "toolu_w1", decision: "approve_session" });
    await web.next("turn_end");
    web.send({ type: "send", text: "write again" });
    const second = await web.next("turn_end");
    expect(second.status).toBe("completed");
    expect(web.received.filter((frame) => frame.type === "approval_request")).toHaveLength(1);
    web.close();
    late.close();
  });
});

describe("cancel, retry and failures", () => {
  it("cancels a turn mid-stream, keeping the partial answer", async () => {
    const { session } = await scriptedSession([{ steps: [{ kind: "text", text: "word ".repeat(100) }], chunk_delay_ms: 20 }]);
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "talk a lot" });
    await web.next("event");
    await web.next("event");
    web.send({ type: "cancel" });
    const end = await web.next("turn_end");
    expect(end.status).toBe("cancelled");
    expect(end.message).toMatchObject({ status: "partial", stop_reason: "cancelled" });
    const partial = end.message?.content[0];
    expect(partial?.type === "text" && partial.text.length).toBeGreaterThan(0);
    expect(partial?.type === "text" && partial.text.length).toBeLessThan("word ".repeat(100).length);
    web.close();
  });

  it("retries a 429 (honouring retry-after) before any output, showing no error", async () => {
    const { session, key } = await scriptedSession([{ failure: { kind: "http", status: 429, retry_after: 0 } }, say("Second time lucky.")]);
    const result = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "hi" }) });
    expect(await result.json()).toMatchObject({
      status: "completed",
      message: { status: "complete", content: [{ type: "text", text: "Second time lucky." }] },
    });
    expect(await recordedRequests(inject("simulatorUrl"), key)).toHaveLength(2);
  });

  it("keeps a stream that breaks after output as a partial message with its error, which retry replaces", async () => {
    const { session, key } = await scriptedSession([
      { steps: [{ kind: "text", text: "one two three four five six seven eight" }], failure: { kind: "cut", after_chunks: 6 } },
      say("The whole answer."),
    ]);
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "hi" });
    const broken = await web.next("turn_end");
    expect(broken.status).toBe("failed");
    expect(broken.message).toMatchObject({ status: "partial", error: expect.stringContaining("ended before the response was complete") });
    expect(
      web.received.some((frame) => frame.type === "event" && frame.event.type === "error" && frame.event.code === "STREAM_INTERRUPTED"),
    ).toBe(true);

    web.send({ type: "retry" });
    const retried = await web.next("turn_end");
    expect(retried).toMatchObject({ status: "completed", message: { content: [{ type: "text", text: "The whole answer." }] } });
    // turn_end comes before the answer's row is written; a wait for the turn answers once it is.
    await waitForTurn(session.id, retried.turn_id);
    // The retry resends the conversation without the broken answer.
    const [, second] = await recordedRequests(inject("simulatorUrl"), key);
    expect((second?.body as { messages: { role: string }[] }).messages.map((message) => message.role)).toEqual(["user"]);
    expect((await storedMessages(session.id)).map((row) => [row.role, row.status])).toEqual([
      ["user", "complete"],
      ["assistant", "partial"],
      ["assistant", "complete"],
    ]);
    web.close();
  });

  it("keeps running when every client has gone, and the answer is there when one comes back", async () => {
    const { session } = await scriptedSession([{ steps: [{ kind: "text", text: "still here ".repeat(20) }], chunk_delay_ms: 15 }]);
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "go on without me" });
    const accepted = await web.next("message");
    await web.next("event");
    web.close();
    const result = await waitForTurn(session.id, accepted.message.turn_id ?? "");
    expect(result).toMatchObject({ status: "completed", message: { content: [{ type: "text", text: "still here ".repeat(20) }] } });
    const back = await joinSocket(session.id, "web");
    const snapshot = back.received[0];
    expect(snapshot?.type === "snapshot" && snapshot.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    back.close();
  });

  it("gives a client that drops mid-turn and resumes with since exactly the events it missed", async () => {
    const { session } = await scriptedSession([{ steps: [{ kind: "text", text: "a b c d e f g h i j k l m n o p" }], chunk_delay_ms: 15 }]);
    const watcher = await joinSocket(session.id, "web");
    const dropper = await joinSocket(session.id, "tui");
    watcher.send({ type: "send", text: "go" });
    await dropper.next("event");
    await dropper.next("event");
    const lastSeen = dropper.received.at(-1);
    const since = lastSeen !== undefined && "seq" in lastSeen ? Number(lastSeen.seq) : 0;
    dropper.close();
    await settle(60);
    const resumed = await openSocket(session.id);
    resumed.send({ type: "hello", protocol_version: PROTOCOL_VERSION, client: "tui", since });
    const end = await watcher.next("turn_end");
    for (;;) if ((await resumed.next()).type === "turn_end") break;
    const numbered = (frames: typeof watcher.received) =>
      frames.flatMap((frame) => (frame.type !== "snapshot" && "seq" in frame && typeof frame.seq === "number" ? [frame] : []));
    const expected = numbered(watcher.received).filter(
      (frame) => Number(frame.seq) > since && frame.type !== "presence" && Number(frame.seq) <= end.seq,
    );
    const got = numbered(resumed.received).filter((frame) => frame.type !== "presence" && Number(frame.seq) <= end.seq);
    expect(got.map((frame) => frame.seq)).toEqual(expected.map((frame) => frame.seq));
    expect(got).toEqual(expected);
    watcher.close();
    resumed.close();
  });

  it("after a restart in a long answer, keeps the answer from its first word (more token frames than the resume log keeps)", async () => {
    // 3,000 words at 2 ms: the restart comes after ~2,300 token frames, past the 2,000 frames the
    // resume log keeps for reconnecting clients; the stored partial must still begin at word 0.
    const words = Array.from({ length: 3000 }, (_, index) => `w${index}`);
    const { session } = await scriptedSession([{ steps: [{ kind: "text", text: words.join(" ") }], chunk_delay_ms: 2 }, say("Back.")]);
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "write a lot" });
    await web.next("message");
    for (let index = 0; index < 2300; index += 1) await web.next("event");
    // Token frames reach storage at least once a second.
    await settle(1100);
    await abortAllDurableObjects();
    const after = await joinSocket(session.id, "web");
    const snapshot = after.received[0];
    expect(snapshot?.type).toBe("snapshot");
    const partial = snapshot?.type === "snapshot" ? snapshot.messages.at(-1) : undefined;
    expect(partial).toMatchObject({ role: "assistant", status: "partial" });
    const text = partial?.content[0]?.type === "text" ? partial.content[0].text : "";
    expect(text.slice(0, 40)).toMatch(/^w0 w1 w2 /);
    expect(text.split(" ").length).toBeGreaterThan(2300);
    after.close();
    web.close();
  });

  it("after a restart mid-turn, ends the turn as interrupted, keeps its partial answer, and takes new messages", async () => {
    const { session } = await scriptedSession([
      { steps: [{ kind: "text", text: "long ".repeat(200) }], chunk_delay_ms: 20 },
      say("Back again."),
    ]);
    const web = await joinSocket(session.id, "web");
    web.send({ type: "send", text: "start" });
    await web.next("message");
    // Long enough for some of the answer to be written (token frames are written at least once a second).
    let lastSeen = 0;
    for (let index = 0; index < 70; index += 1) lastSeen = (await web.next("event")).seq;
    await settle(60);
    await abortAllDurableObjects();
    // The object restarts on the next request and closes the cut-short turn. The newest token
    // frames never reached storage, so a resume from the last one the client saw cannot be
    // replayed: it gets a snapshot, and no seq it saw is ever given to another frame.
    const after = await openSocket(session.id);
    after.send({ type: "hello", protocol_version: PROTOCOL_VERSION, client: "web", since: lastSeen });
    const snapshot = await after.next("snapshot");
    expect(snapshot.seq).toBeGreaterThan(lastSeen);
    expect(snapshot.turn).toBeNull();
    const partial = snapshot.messages.at(-1);
    expect(partial?.content).toEqual([{ type: "text", text: expect.stringMatching(/^(long ){10,}/) }]);
    expect(partial).toMatchObject({ role: "assistant", status: "partial", error: expect.stringContaining("restarted") });
    const rows = await storedMessages(session.id);
    expect(rows.map((row) => [row.role, row.status])).toEqual([
      ["user", "complete"],
      ["assistant", "partial"],
    ]);
    after.send({ type: "send", text: "again" });
    expect(await after.next("turn_end")).toMatchObject({
      status: "completed",
      message: { content: [{ type: "text", text: "Back again." }] },
    });
    after.close();
  });
});

describe("usage", () => {
  it("reports a session's tokens and cost by provider and model", async () => {
    const { session } = await scriptedSession(
      [
        {
          steps: [{ kind: "text", text: "priced" }],
          usage: { input_tokens: 1_000_000, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 },
        },
      ],
      { provider: "gemini" },
    );
    await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "hi" }) });
    expect((await client().sessions.get(session.id)).cost_usd).toBe(1.25);
    const today = new Date().toISOString().slice(0, 10);
    const report = await client().usage({ from: today, to: today, group_by: "provider,model" });
    expect(report.rows).toContainEqual(expect.objectContaining({ provider: "gemini", model: "gemini-2.5-pro" }));
  });
});
