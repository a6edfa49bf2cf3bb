/**
 * What a client's socket frame does (STYLE §2.3): hello joins (snapshot or resume), send starts a
 * turn (or queues the message while one runs), cancel stops it, approve answers a tool call,
 * configure changes the session, retry asks again, compact makes room in the model's context,
 * queue_edit/queue_cancel/queue_resume change the queue, edit and regenerate branch the
 * conversation, switch_branch picks the branch in use. Every failure becomes an AppError, which
 * the object answers to that socket only.
 */
import type { ClientToSession, SessionActivity, UpdateSessionBody } from "@maestro/protocol";
import { PONG_FRAME_TEXT } from "@maestro/protocol";
import { AppError } from "../errors.ts";
import { attachmentOf, isJoined, sendText } from "./fan-out.ts";
import { joinSession } from "./hello.ts";
import type { SessionRuntime } from "./runtime.ts";
import type { SendQueue } from "./send-queue.ts";
import type { TurnManager } from "./turns.ts";

export interface FrameHost extends SessionRuntime {
  readonly turns: TurnManager;
  readonly queue: SendQueue;
  readonly activity: SessionActivity;
  presenceChanged(): Promise<void>;
  configureSession(changes: UpdateSessionBody): Promise<unknown>;
}

export async function handleClientFrame(host: FrameHost, socket: WebSocket, frame: ClientToSession): Promise<void> {
  if (frame.type === "ping") return sendText(socket, PONG_FRAME_TEXT);
  if (frame.type === "hello") {
    if (isJoined(socket)) throw new AppError("INVALID_FRAME", "This socket has already said hello.");
    await host.turns.recover();
    // A fresh join's snapshot is read from Postgres, which may not have the newest messages yet
    // (written behind the turn): the snapshot adds them from memory, so the join waits for no write.
    const { turn, unstored } = host.turns.live();
    await joinSession(host, socket, frame, { turn, ...host.queue.snapshot() }, host.activity, unstored);
    return host.presenceChanged();
  }
  const kind = attachmentOf(socket)?.kind;
  if (kind == null) throw new AppError("HELLO_REQUIRED", "Send hello before anything else.");
  switch (frame.type) {
    case "send":
      // A turn is running: the message joins the queue (every client sees it in a `queue` frame).
      await host.queue.send({ text: frame.text, requestId: frame.request_id, by: kind });
      return;
    case "retry":
      await host.turns.retry();
      return;
    case "queue_edit":
      host.queue.edit(frame.id, frame.text);
      return;
    case "queue_cancel":
      host.queue.cancel(frame.id);
      return;
    case "queue_resume":
      host.queue.resume();
      return;
    case "compact":
      // Its result reaches every client as the compaction message; NOTHING_TO_COMPACT only this one.
      await host.turns.compact(frame.instructions).finally(() => host.queue.next());
      return;
    case "edit":
      await host.turns.edit(frame.message_id, frame.text);
      return;
    case "regenerate": {
      const { type: _type, message_id: messageId, ...choice } = frame;
      await host.turns.regenerate(messageId, choice);
      return;
    }
    case "switch_branch":
      await host.turns.switchBranch(frame.message_id);
      return;
    case "cancel":
      if (!host.turns.cancel().cancelled) throw new AppError("NO_ACTIVE_TURN", "There is no turn in progress to cancel.");
      return;
    case "approve":
      host.turns.answer(frame.call_id, frame.decision, kind, frame.reason, frame.request_id);
      return;
    case "configure":
      await host.configureSession(frame.changes);
      return;
    case "prepare":
      // Someone is writing: read now what the next turn needs, so it does not wait for it.
      host.turns.prepare();
      return;
    default:
      return assertNever(frame);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled frame: ${JSON.stringify(value)}`);
}
