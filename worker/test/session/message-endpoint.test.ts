// Proves: a message sent as server-sent events streams the turn's frames in order (its user
// message, every event, turn_end, each with its seq as the id), and `turn_end` reaches the client
// the moment the turn ends — while the turn's Postgres writes are still going — with only the
// stream's close waiting for them (read-your-writes for a client that reads to the end). The
// session's object is stood in for by a turn manager and queue whose writes the test finishes.
// Frames written while the client is still taking the last chunk leave together in the next one
// (a turn's end writes several at once; one chunk each queued them a hand-over apart), in order,
// and a client that went away leaves the turn's later frames with nowhere to go and no error.
import type { TurnId } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import type { NumberedFrame } from "../../src/session/event-log.ts";
import { handleMessageRequest } from "../../src/session/message-endpoint.ts";
import type { SendQueue } from "../../src/session/send-queue.ts";
import type { TurnManager } from "../../src/session/turns.ts";

const TURN = "6f1c2a52-5a4e-4d8e-9a57-0a8f7c1d2e3f" as TurnId;

/** A frame as the event log numbers it. */
function numbered(frame: Record<string, unknown> & { type: string; seq: number }): NumberedFrame {
  return { frame, text: JSON.stringify(frame) } as unknown as NumberedFrame;
}

/** A started turn whose frames the test plays, and whose writes finish when the test says. */
function standIn() {
  let listener: ((frame: NumberedFrame) => void) | undefined;
  let finishWrites: () => void = () => undefined;
  const writes = new Promise<void>((resolve) => (finishWrites = resolve));
  const queue = {
    send: async (_outgoing: unknown, listen?: (frame: NumberedFrame) => void) => {
      listener = listen;
      // The user's message is shown while the turn starts, before the object answers.
      listen?.(numbered({ type: "message", seq: 7, message: { role: "user" } }));
      return { started: { turn_id: TURN, message_id: "m1" } };
    },
  } as unknown as SendQueue;
  const turns = { stored: () => writes } as unknown as TurnManager;
  const play = (frame: Record<string, unknown> & { type: string; seq: number }) => {
    if (listener === undefined) throw new Error("nobody subscribed to the turn");
    listener(numbered(frame));
  };
  return { queue, turns, play, finishWrites };
}

/** Reads the stream until `until` shows up in what was read (or the stream ends). */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, sofar: { text: string }, until: string): Promise<boolean> {
  const decoder = new TextDecoder();
  while (!sofar.text.includes(until)) {
    const { done, value } = await reader.read();
    if (done) return false;
    sofar.text += decoder.decode(value, { stream: true });
  }
  return true;
}

describe("POST /messages as server-sent events", () => {
  it("sends turn_end at once and closes the stream only once the turn's writes are stored", async () => {
    const { queue, turns, play, finishWrites } = standIn();
    const response = await handleMessageRequest(turns, queue, { start: { kind: "send", text: "hi" }, mode: "stream" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = response.body!.getReader();
    const read = { text: "" };

    play({ type: "event", seq: 8, turn_id: TURN, event: { type: "text_delta", text: "Hel" } });
    play({ type: "event", seq: 9, turn_id: TURN, event: { type: "text_delta", text: "lo" } });
    expect(await readUntil(reader, read, '"text":"lo"')).toBe(true);
    play({ type: "turn_end", seq: 10, turn_id: TURN, status: "completed", message: null });
    // The writes are still going: turn_end arrives all the same…
    expect(await readUntil(reader, read, "event: turn_end")).toBe(true);
    // …and the stream stays open until they are stored.
    const end = reader.read();
    const early = await Promise.race([end.then(() => "ended"), new Promise((resolve) => setTimeout(() => resolve("open"), 50))]);
    expect(early).toBe("open");
    finishWrites();
    expect((await end).done).toBe(true);

    const blocks = read.text.split("\n\n").filter((block) => block.length > 0);
    expect(blocks).toEqual([
      `event: message\nid: 7\ndata: ${JSON.stringify({ type: "message", seq: 7, message: { role: "user" } })}`,
      `: turn ${TURN}`,
      `event: event\nid: 8\ndata: ${JSON.stringify({ type: "event", seq: 8, turn_id: TURN, event: { type: "text_delta", text: "Hel" } })}`,
      `event: event\nid: 9\ndata: ${JSON.stringify({ type: "event", seq: 9, turn_id: TURN, event: { type: "text_delta", text: "lo" } })}`,
      `event: turn_end\nid: 10\ndata: ${JSON.stringify({ type: "turn_end", seq: 10, turn_id: TURN, status: "completed", message: null })}`,
    ]);
  });

  it("sends the frames written while the client takes a chunk together in the next, in order", async () => {
    const { queue, turns, play } = standIn();
    const response = await handleMessageRequest(turns, queue, { start: { kind: "send", text: "hi" }, mode: "stream" });
    const reader = response.body!.getReader();
    // Nothing read yet: the user's message waits for the client, and all of these wait behind it.
    for (let seq = 8; seq < 28; seq += 1) play({ type: "event", seq, turn_id: TURN, event: { type: "text_delta", text: `t${seq}` } });
    play({ type: "turn_end", seq: 28, turn_id: TURN, status: "completed", message: null });
    const decoder = new TextDecoder();
    const first = decoder.decode((await reader.read()).value);
    expect(first).toBe(`event: message\nid: 7\ndata: ${JSON.stringify({ type: "message", seq: 7, message: { role: "user" } })}\n\n`);
    const second = decoder.decode((await reader.read()).value);
    const ids = [...second.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
    expect(ids).toEqual(Array.from({ length: 21 }, (_, index) => 8 + index));
    expect(second.startsWith(`: turn ${TURN}\n\n`)).toBe(true);
    expect(second.endsWith(`"message":null}\n\n`)).toBe(true);
    await reader.cancel();
  });

  it("drops what is written after the client went away, without an error", async () => {
    const { queue, turns, play, finishWrites } = standIn();
    const response = await handleMessageRequest(turns, queue, { start: { kind: "send", text: "hi" }, mode: "stream" });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    const unhandled: unknown[] = [];
    const onUnhandled = (event: PromiseRejectionEvent) => unhandled.push(event.reason);
    addEventListener("unhandledrejection", onUnhandled);
    try {
      play({ type: "event", seq: 8, turn_id: TURN, event: { type: "text_delta", text: "late" } });
      play({ type: "turn_end", seq: 9, turn_id: TURN, status: "completed", message: null });
      finishWrites();
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      removeEventListener("unhandledrejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
