/**
 * Joining a session. With `since`, the client gets exactly the frames after it from the log;
 * otherwise (or when it is too far behind) a snapshot at seq S, then every frame numbered after S
 * while the snapshot was being read, so nothing falls between the two. A snapshot may already
 * contain a message that a replayed frame repeats: clients fold messages by id.
 */
import { type HelloFrame, type Message, type SessionActivity, type SnapshotFrame, encodeFrame } from "@maestro/protocol";
import { markJoined, sendText } from "./fan-out.ts";
import type { SessionRuntime } from "./runtime.ts";
import { buildSnapshot } from "./snapshot.ts";

export async function joinSession(
  runtime: SessionRuntime,
  socket: WebSocket,
  hello: HelloFrame,
  live: Pick<SnapshotFrame, "turn" | "queue" | "queue_paused" | "requests">,
  activity: SessionActivity,
  unstored: readonly Message[],
): Promise<void> {
  const missed = hello.since === undefined ? undefined : runtime.events.since(hello.since);
  if (missed !== undefined) {
    for (const text of missed) sendText(socket, text);
  } else {
    const seq = runtime.events.lastSeq;
    const snapshot = await buildSnapshot(runtime, seq, live, activity, unstored);
    sendText(socket, encodeFrame(snapshot));
    for (const text of runtime.events.since(seq) ?? []) sendText(socket, text);
  }
  // From here on the socket is live: no await stands between the replay and joining.
  markJoined(socket, hello.client);
}
