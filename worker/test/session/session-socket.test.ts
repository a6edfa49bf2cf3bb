// Proves: the session socket fans every frame out to every joined client, numbered by seq; a
// client that resumes with `since` gets exactly the frames it missed; presence follows connects
// and disconnects (in the DO and mirrored to Redis for GET /sessions); bad frames are refused
// without changing anything. A client that joins while the newest messages are still on their way
// to Postgres (written behind the turn) finds them in its snapshot all the same.
import { PROTOCOL_VERSION, type SessionId } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { client } from "../helpers/api.ts";
import { started, waitForTurn } from "../helpers/turns.ts";
import { rowCounts } from "../helpers/db.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket, openSocket, settle } from "../helpers/socket.ts";

/** A session whose model answers each message with a short scripted reply. */
async function newSession(replies = 3): Promise<SessionId> {
  const turns = Array.from({ length: replies }, (_, index) => say(`Reply ${index + 1}.`));
  return (await scriptedSession(turns, { title: "socket test" })).session.id;
}

describe("session socket", () => {
  it("greets a fresh client with a snapshot of the session", async () => {
    const sessionId = await newSession();
    const accepted = started(await client().messages.send(sessionId, { text: "before anyone watched" }));
    await waitForTurn(sessionId, accepted.turn_id);
    const socket = await openSocket(sessionId);
    socket.send({ type: "hello", protocol_version: PROTOCOL_VERSION, client: "tui" });
    const snapshot = await socket.next("snapshot");
    expect(snapshot.session).toMatchObject({ id: sessionId, title: "socket test" });
    expect(snapshot.messages.map((message) => [message.role, message.content])).toEqual([
      ["user", [{ type: "text", text: "before anyone watched" }]],
      ["assistant", [{ type: "text", text: "Reply 1." }]],
    ]);
    expect(snapshot.protocol_version).toBe(PROTOCOL_VERSION);
    expect(snapshot.seq).toBeGreaterThan(2);
    expect(snapshot.turn).toBeNull();
    socket.close();
  });

  it("puts messages shown before a client joined in its snapshot, though Postgres does not have them yet", async () => {
    // A model slow to its first token: the user's message is written only once the request has left.
    const { session } = await scriptedSession([{ steps: [{ kind: "text", text: "Slowly." }], chunk_delay_ms: 300 }, say("Fast.")]);
    const web = await joinSocket(session.id, "web");
    const early = await openSocket(session.id);
    web.send({ type: "send", text: "take your time" });
    const user = await web.next("message");
    early.send({ type: "hello", protocol_version: PROTOCOL_VERSION, client: "tui" });
    const atStart = await early.next("snapshot");
    expect(atStart.messages.map((message) => message.id)).toEqual([user.message.id]);
    expect(atStart.turn?.turn_id).toBe(user.message.turn_id);
    await web.next("turn_end");

    // The answer that ends a turn is written just after its turn_end.
    web.send({ type: "send", text: "now quickly" });
    const late = await openSocket(session.id);
    const end = await web.next("turn_end");
    late.send({ type: "hello", protocol_version: PROTOCOL_VERSION, client: "api" });
    const atEnd = await late.next("snapshot");
    expect(atEnd.messages.map((message) => [message.role, message.content])).toEqual([
      ["user", [{ type: "text", text: "take your time" }]],
      ["assistant", [{ type: "text", text: "Slowly." }]],
      ["user", [{ type: "text", text: "now quickly" }]],
      ["assistant", [{ type: "text", text: "Fast." }]],
    ]);
    expect(atEnd.messages.at(-1)?.id).toBe(end.message?.id);
    expect(atEnd.turn).toBeNull();
    for (const socket of [web, early, late]) socket.close();
  });

  it("shows a message sent on one socket to both, stored in Postgres, with increasing seq", async () => {
    const sessionId = await newSession();
    const web = await joinSocket(sessionId, "web");
    const tui = await joinSocket(sessionId, "tui");
    await web.next("presence");
    web.send({ type: "send", text: "hello from the web" });
    const [onWeb, onTui] = await Promise.all([web.next("message"), tui.next("message")]);
    expect(onWeb).toEqual(onTui);
    expect(onWeb.message).toMatchObject({ role: "user", session_id: sessionId, content: [{ type: "text", text: "hello from the web" }] });
    const [end] = await Promise.all([web.next("turn_end"), tui.next("turn_end")]);
    // turn_end comes before the answer's row is written; a wait for the turn answers once it is.
    await waitForTurn(sessionId, end.turn_id);
    const history = await client().messages.list(sessionId);
    expect(history.data.map((message) => message.role)).toEqual(["assistant", "user"]);
    expect(history.data[1]?.id).toBe(onWeb.message.id);
    const seqs = web.received.flatMap((frame): number[] =>
      frame.type !== "snapshot" && "seq" in frame && typeof frame.seq === "number" ? [frame.seq] : [],
    );
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    web.close();
    tui.close();
  });

  it("also shows a message sent through the REST API to every socket", async () => {
    const sessionId = await newSession();
    const web = await joinSocket(sessionId, "web");
    const accepted = started(await client().messages.send(sessionId, { text: "from a script" }));
    const frame = await web.next("message");
    expect(frame.message.id).toBe(accepted.message_id);
    expect(frame.message.turn_id).toBe(accepted.turn_id);
    await web.next("turn_end");
    web.close();
  });

  it("replays exactly the missed frames to a client that resumes with since", async () => {
    const sessionId = await newSession();
    const first = await joinSocket(sessionId, "web");
    const second = await joinSocket(sessionId, "tui");
    await first.next("presence");
    await first.next("presence");
    const seenByThird = first.received.at(-1);
    if (seenByThird === undefined || !("seq" in seenByThird) || seenByThird.seq === undefined) throw new Error("no numbered frame");
    const mark = first.texts.length;

    first.send({ type: "send", text: "one" });
    await first.next("turn_end");
    second.send({ type: "send", text: "two" });
    await first.next("turn_end");
    await client().sessions.update(sessionId, { title: "renamed while away" });
    await first.next("session_update");
    const missed = first.texts.slice(mark);
    // Two whole turns (message, events, answer, turn_end each) and the rename.
    expect(missed.length).toBeGreaterThan(8);

    const third = await openSocket(sessionId);
    third.send({ type: "hello", protocol_version: PROTOCOL_VERSION, client: "api", since: seenByThird.seq });
    for (const _ of missed) await third.next();
    expect(third.texts.slice(0, missed.length)).toEqual(missed);
    // Then it is live: its own arrival is the next frame, numbered right after the replay.
    const presence = await third.next("presence");
    expect(presence.presence).toEqual({ total: 3, web: 1, tui: 1, api: 1 });
    expect(third.received.some((frame) => frame.type === "snapshot")).toBe(false);
    first.close();
    second.close();
    third.close();
  });

  it("sends a snapshot to a client resuming from a seq the session never reached", async () => {
    const sessionId = await newSession();
    const socket = await openSocket(sessionId);
    socket.send({ type: "hello", protocol_version: PROTOCOL_VERSION, client: "web", since: 999 });
    expect((await socket.next()).type).toBe("snapshot");
    socket.close();
  });

  it("counts presence by client kind on connect and disconnect, and mirrors it to GET /sessions", async () => {
    const sessionId = await newSession();
    const web = await joinSocket(sessionId, "web");
    expect((await web.next("presence")).presence).toEqual({ total: 1, web: 1, tui: 0, api: 0 });
    const tui = await joinSocket(sessionId, "tui");
    expect((await web.next("presence")).presence).toEqual({ total: 2, web: 1, tui: 1, api: 0 });
    expect((await client().sessions.get(sessionId)).presence).toEqual({ total: 2, web: 1, tui: 1, api: 0 });
    const listed = (await client().sessions.list()).data.find((session) => session.id === sessionId);
    expect(listed?.presence).toEqual({ total: 2, web: 1, tui: 1, api: 0 });

    tui.close();
    expect((await web.next("presence")).presence).toEqual({ total: 1, web: 1, tui: 0, api: 0 });
    await settle();
    expect((await client().sessions.get(sessionId)).presence).toEqual({ total: 1, web: 1, tui: 0, api: 0 });
    web.close();
    await settle(200);
    expect((await client().sessions.get(sessionId)).presence).toEqual({ total: 0, web: 0, tui: 0, api: 0 });
  });

  it("does not count or broadcast to a socket that has not said hello", async () => {
    const sessionId = await newSession();
    const silent = await openSocket(sessionId);
    const web = await joinSocket(sessionId, "web");
    expect((await web.next("presence")).presence.total).toBe(1);
    web.send({ type: "send", text: "only for joined sockets" });
    await web.next("turn_end");
    await settle();
    expect(silent.received).toEqual([]);
    silent.close();
    web.close();
  });

  it("broadcasts a reconfiguration from any client", async () => {
    const sessionId = await newSession();
    const web = await joinSocket(sessionId, "web");
    const tui = await joinSocket(sessionId, "tui");
    tui.send({ type: "configure", changes: { model: "claude-opus-4-1", approval_mode: "always" } });
    const update = await web.next("session_update");
    expect(update.session).toMatchObject({ model: "claude-opus-4-1", approval_mode: "always" });
    expect((await client().sessions.get(sessionId)).model).toBe("claude-opus-4-1");
    web.close();
    tui.close();
  });

  it("refuses bad frames with an error to that socket only, changing nothing", async () => {
    const sessionId = await newSession();
    const web = await joinSocket(sessionId, "web");
    const other = await joinSocket(sessionId, "tui");
    const before = await rowCounts();
    const cases: [string | Record<string, unknown>, string][] = [
      ["not json", "INVALID_FRAME"],
      [{ type: "teleport" }, "UNKNOWN_FRAME_TYPE"],
      [{ type: "send" }, "INVALID_FRAME"],
      [{ type: "send", text: "x", role: "system" }, "INVALID_FRAME"],
      [{ type: "hello", protocol_version: PROTOCOL_VERSION, client: "web" }, "INVALID_FRAME"],
      [{ type: "configure", changes: { credential_id: "11111111-2222-4333-8444-555555555555" } }, "CREDENTIAL_NOT_FOUND"],
      [{ type: "cancel" }, "NO_ACTIVE_TURN"],
      [{ type: "approve", call_id: "toolu_1", decision: "approve" }, "APPROVAL_NOT_FOUND"],
      [{ type: "retry" }, "CONFLICT"],
    ];
    for (const [frame, code] of cases) {
      if (typeof frame === "string") web.sendText(frame);
      else web.send(frame);
      const error = await web.next("error");
      expect(error.code, JSON.stringify(frame)).toBe(code);
      expect(error.seq).toBeUndefined();
    }
    await settle();
    expect(other.received.filter((frame) => frame.type === "error")).toEqual([]);
    expect(await rowCounts()).toEqual(before);
    web.close();
    other.close();
  });

  it("requires hello first, and refuses another protocol version", async () => {
    const sessionId = await newSession();
    const socket = await openSocket(sessionId);
    socket.send({ type: "send", text: "too early" });
    expect((await socket.next("error")).code).toBe("HELLO_REQUIRED");
    socket.send({ type: "hello", protocol_version: PROTOCOL_VERSION + 1, client: "web" });
    const mismatch = await socket.next("error");
    expect(mismatch.code).toBe("PROTOCOL_VERSION_MISMATCH");
    expect(mismatch.fields?.map((field) => field.field)).toEqual(["protocol_version"]);
    socket.close();
  });

  it("answers the keep-alive ping", async () => {
    const sessionId = await newSession();
    const socket = await openSocket(sessionId);
    socket.send({ type: "ping" });
    expect(await socket.next()).toEqual({ type: "pong" });
    socket.close();
  });

  it("accepts the token as a sub-protocol, as a browser must send it", async () => {
    const sessionId = await newSession();
    const { env } = await import("cloudflare:test");
    const token = btoa(env.MAESTRO_API_TOKEN ?? "")
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
    const socket = await openSocket(sessionId, { token: null, protocols: `maestro.v1, maestro.token.${token}` });
    socket.send({ type: "hello", protocol_version: PROTOCOL_VERSION, client: "web" });
    expect((await socket.next()).type).toBe("snapshot");
    socket.close();
    await expect(openSocket(sessionId, { token: null, protocols: "maestro.v1, maestro.token.d3Jvbmc" })).rejects.toThrow(/401/);
  });
});
