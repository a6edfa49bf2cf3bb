// Proves: `maestro send` streams its own turn's answer to stdout and exits 0 when it completed,
// 1 when it failed; it exits 1 at once with the reason when the session cannot be opened (no
// such session, a refused token), gives up when no connection comes, and still finishes when a
// resume comes back as a snapshot instead of the frames it missed. It knows its own turn by the
// request id the session echoes, and follows a message that had to wait in the queue.
import {
  type Message,
  MessageIdSchema,
  type SessionSocketClient,
  type SessionSocketOptions,
  type SessionToClient,
  type SnapshotFrame,
  TurnIdSchema,
} from "@maestro/protocol";
import { SAMPLE_CALL_ID, SAMPLE_MESSAGE, SAMPLE_QUEUE_ENTRY, SAMPLE_SESSION, SAMPLE_TIME, SAMPLE_TURN_ID } from "@maestro/protocol/testing";
import { describe, expect, it } from "vitest";
import type { Output } from "./output.ts";
import { sendMessage } from "./send.ts";

const config = { url: "http://127.0.0.1:8787", token: "t" };
const turn_id = SAMPLE_TURN_ID;
const OTHER_TURN = TurnIdSchema.parse("7a2d3c4e-9f1b-4d6a-8b7c-1e2f3a4b5c6d");
const REQUEST_ID = "req-1";
const ours = { request_id: REQUEST_ID };

const userMessage: Message = {
  ...SAMPLE_MESSAGE,
  id: MessageIdSchema.parse("e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b"),
  role: "user",
  content: [{ type: "text", text: "hello there" }],
};
const answer = (text: string, status: Message["status"] = "complete", error: string | null = null): Message => ({
  ...SAMPLE_MESSAGE,
  content: [{ type: "text", text }],
  status,
  error,
});
const snapshot = (
  seq: number,
  messages: Message[],
  turn: SnapshotFrame["turn"] = null,
  extra: Partial<SnapshotFrame> = messages.length > 0 || turn !== null ? { requests: [{ request_id: REQUEST_ID, turn_id }] } : {},
): SnapshotFrame => ({
  type: "snapshot",
  seq,
  protocol_version: 1,
  session: SAMPLE_SESSION,
  presence: SAMPLE_SESSION.presence,
  messages,
  turn,
  ...extra,
});
const FIRST_STEP = "a1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b";
const SECOND_STEP = "f1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b";
const step = (id: string, text: string): Message => ({ ...answer(text), id: MessageIdSchema.parse(id) });
const delta = (seq: number, text: string, turn = turn_id): Extract<SessionToClient, { type: "event" }> => ({
  type: "event",
  seq,
  turn_id: turn,
  event: { type: "text_delta", text },
});

/** Runs `sendMessage` against a socket client the test drives through the callbacks it was given. */
function run(connectLimitMs = 10_000) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const output: Output = { out: (text) => stdout.push(text), err: (text) => stderr.push(text) };
  const sent: unknown[] = [];
  let options: SessionSocketOptions | undefined;
  let closed = false;
  const open = (given: SessionSocketOptions) => {
    options = given;
    return {
      send: (frame: unknown) => {
        sent.push(frame);
        return true;
      },
      close: () => {
        closed = true;
        given.onState?.("closed");
      },
    } as unknown as SessionSocketClient;
  };
  const done = sendMessage(config, SAMPLE_SESSION.id, "hello there", output, open, connectLimitMs, REQUEST_ID);
  const deliver = (...frames: SessionToClient[]) => {
    for (const frame of frames) options?.onFrame?.(frame);
  };
  const join = (frame: SnapshotFrame) => {
    options?.onState?.("open");
    deliver(frame);
  };
  return {
    done,
    deliver,
    join,
    options: () => options,
    sent,
    closed: () => closed,
    stdout: () => stdout.join(""),
    stderr: () => stderr.join(""),
  };
}

describe("maestro send", () => {
  it("sends once joined, streams only its own turn, and exits 0 when the turn completed", async () => {
    const send = run();
    send.join(snapshot(1, []));
    expect(send.sent).toEqual([{ type: "send", text: "hello there", request_id: REQUEST_ID }]);
    send.deliver(
      { type: "message", seq: 2, message: userMessage, ...ours },
      delta(3, "Hello"),
      delta(4, "someone else's turn", OTHER_TURN),
      delta(5, " world"),
      { type: "turn_end", seq: 6, turn_id, status: "completed", message: answer("Hello world") },
    );
    expect(await send.done).toBe(0);
    expect(send.stdout()).toBe("Hello world\n");
    expect(send.closed()).toBe(true);
  });

  it("exits 1 on a failed turn and says why", async () => {
    const send = run();
    send.join(snapshot(1, []));
    send.deliver(
      { type: "message", seq: 2, message: userMessage, ...ours },
      {
        type: "event",
        seq: 3,
        turn_id,
        event: { type: "error", code: "PROVIDER_AUTH", message: "The API key was refused.", retryable: false },
      },
      { type: "turn_end", seq: 4, turn_id, status: "failed", message: null },
    );
    expect(await send.done).toBe(1);
    expect(send.stderr()).toContain("error: The API key was refused.");
    expect(send.stderr()).toContain("The turn ended: failed.");
  });

  it("exits 1 when the server refuses the message (the queue is full)", async () => {
    const send = run();
    send.join(snapshot(1, []));
    send.deliver({ type: "error", code: "QUEUE_FULL", message: "20 messages are already waiting." });
    expect(await send.done).toBe(1);
    expect(send.stderr()).toContain("20 messages are already waiting");
  });

  it("waits in the queue while another turn runs, then follows its own turn", async () => {
    const send = run();
    send.join(snapshot(1, []));
    const entry = { id: SAMPLE_QUEUE_ENTRY.id, text: "hello there", request_id: REQUEST_ID, queued_at: SAMPLE_TIME, by: "api" as const };
    send.deliver({ type: "queue", seq: 2, queue: [entry], paused: false }, delta(3, "someone else's answer", OTHER_TURN));
    expect(send.stderr()).toContain("[queued");
    send.deliver(
      { type: "turn_end", seq: 4, turn_id: OTHER_TURN, status: "completed", message: null },
      { type: "message", seq: 5, message: userMessage, ...ours },
      { type: "queue", seq: 6, queue: [], paused: false },
      delta(7, "Hi!"),
      { type: "turn_end", seq: 8, turn_id, status: "completed", message: answer("Hi!"), ...ours },
    );
    expect(await send.done).toBe(0);
    expect(send.stdout()).toBe("Hi!\n");
  });

  it("exits 1 when its queued message is cancelled before it starts", async () => {
    const send = run();
    send.join(snapshot(1, []));
    const entry = { id: SAMPLE_QUEUE_ENTRY.id, text: "hello there", request_id: REQUEST_ID, queued_at: SAMPLE_TIME, by: "api" as const };
    send.deliver({ type: "queue", seq: 2, queue: [entry], paused: false }, { type: "queue", seq: 3, queue: [], paused: false });
    expect(await send.done).toBe(1);
    expect(send.stderr()).toContain("cancelled before it started");
  });

  it("exits 1 at once with the reason when the session cannot be opened", async () => {
    const send = run();
    send.options()?.onFailure?.({ status: 404, code: "SESSION_NOT_FOUND", message: "There is no session with that id." });
    expect(await send.done).toBe(1);
    expect(send.stderr()).toBe(`Cannot open session ${SAMPLE_SESSION.id}: There is no session with that id.\n`);
    expect(send.sent).toEqual([]);
  });

  it("gives up when no connection comes, first or after a drop", async () => {
    const never = run(50);
    never.options()?.onState?.("reconnecting");
    expect(await never.done).toBe(1);
    expect(never.stderr()).toContain("Could not reach http://127.0.0.1:8787 (gave up after");

    const dropped = run(50);
    dropped.join(snapshot(1, []));
    dropped.deliver({ type: "message", seq: 2, message: userMessage, ...ours }, delta(3, "Hel"));
    // Connected, the limit does not apply: a turn may take its time.
    await new Promise((resolve) => setTimeout(resolve, 80));
    dropped.options()?.onState?.("reconnecting");
    expect(await dropped.done).toBe(1);
    expect(dropped.stderr()).toContain("Lost the connection");
  });

  it("finishes from a snapshot when a resume came back as one, printing only what was missing", async () => {
    const ended = run();
    ended.join(snapshot(1, []));
    ended.deliver({ type: "message", seq: 2, message: userMessage, ...ours }, delta(3, "Hel"));
    ended.options()?.onState?.("reconnecting");
    ended.join(snapshot(9, [userMessage, answer("Hello world")]));
    expect(await ended.done).toBe(0);
    expect(ended.stdout()).toBe("Hello world\n");

    const failed = run();
    failed.join(snapshot(1, []));
    failed.deliver({ type: "message", seq: 2, message: userMessage, ...ours });
    failed.join(snapshot(9, [userMessage, answer("", "error", "provider unavailable")]));
    expect(await failed.done).toBe(1);
    expect(failed.stderr()).toContain("The turn failed: provider unavailable.");
  });

  it("keeps following a turn that a snapshot shows still running, also when the echo was missed", async () => {
    const send = run();
    send.join(snapshot(1, []));
    // The drop came before the user message was echoed: the snapshot tells which turn is ours.
    send.join(snapshot(5, [userMessage], { turn_id, events: [delta(4, "Hello")], approvals: [] }));
    send.deliver(delta(6, " world"), { type: "turn_end", seq: 7, turn_id, status: "completed", message: answer("Hello world") });
    expect(await send.done).toBe(0);
    expect(send.stdout()).toBe("Hello world\n");
  });

  it("prints each step's text as its own paragraph, live and from a snapshot alike", async () => {
    const toolResult = (seq: number): SessionToClient => ({
      type: "event",
      seq,
      turn_id,
      event: { type: "tool_result", call_id: SAMPLE_CALL_ID, name: "read_file", ok: true, output: "…", duration_ms: 3 },
    });
    const live = run();
    live.join(snapshot(1, []));
    live.deliver(
      { type: "message", seq: 2, message: userMessage, ...ours },
      delta(3, "I'll read it."),
      { type: "message", seq: 4, message: step(FIRST_STEP, "I'll read it.") },
      toolResult(5),
      delta(6, "It says hi."),
    );
    live.deliver({ type: "turn_end", seq: 7, turn_id, status: "completed", message: step(SECOND_STEP, "It says hi.") });
    expect(await live.done).toBe(0);
    expect(live.stdout()).toBe("I'll read it.\n\nIt says hi.\n");

    // The same turn, the connection lost after the first step: the snapshot fills in the second.
    const resumed = run();
    resumed.join(snapshot(1, []));
    resumed.deliver(
      { type: "message", seq: 2, message: userMessage, ...ours },
      delta(3, "I'll read it."),
      { type: "message", seq: 4, message: step(FIRST_STEP, "I'll read it.") },
      toolResult(5),
    );
    resumed.options()?.onState?.("reconnecting");
    resumed.join(snapshot(9, [userMessage, step(FIRST_STEP, "I'll read it."), step(SECOND_STEP, "It says hi.")]));
    expect(await resumed.done).toBe(0);
    expect(resumed.stdout()).toBe("I'll read it.\n\nIt says hi.\n");
  });
});
