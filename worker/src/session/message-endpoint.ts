/**
 * POST /sessions/:id/messages (and a message's /edit and /regenerate) inside the session's
 * object: the route has validated the request and forwards `{ start, mode }` here. `accept`
 * answers 202 at once (with the turn, or — a message sent while a turn runs — with `{queued}`);
 * `wait` answers with the finished turn (a queued message's own turn: it waits for that to start,
 * then to end); `stream` answers with the turn's frames as server-sent events, from the user's
 * message to turn_end (subscribed before the turn starts, so nothing is missed). `wait` answers,
 * and the stream ends, once the turn's answer is in Postgres too: a GET /messages right after sees
 * it. The `turn_end` event itself is written the moment the turn ends, like a socket's — only the
 * stream's close waits for that write — so a client that reads until turn_end never waits on
 * Postgres, and one that reads to the end gets read-your-writes. An edit or a regenerate branches
 * the conversation, so it is never queued: it needs the session idle.
 */
import type { MessageId, QueueEntry, RegenerateBody, RequestId, TurnId, TurnResult } from "@maestro/protocol";
import { AppError, internalError, toErrorBody } from "../errors.ts";
import { coalescingWriter } from "./coalescing-writer.ts";
import type { NumberedFrame } from "./event-log.ts";
import type { SendQueue } from "./send-queue.ts";
import type { TurnManager } from "./turns.ts";

/** What the route validated (its body schemas are @maestro/protocol's), passed by RPC. */
export type TurnStartRequest =
  | { readonly kind: "send"; readonly text: string; readonly request_id?: RequestId | undefined }
  | { readonly kind: "edit"; readonly message_id: MessageId; readonly text: string }
  | { readonly kind: "regenerate"; readonly message_id: MessageId; readonly choice: RegenerateBody };
export interface MessageRequest {
  readonly start: TurnStartRequest;
  readonly mode: "accept" | "wait" | "stream";
}

/** A turn that started (what the 202 says), or a message that waits in the queue for its turn. */
type Outcome = { readonly started: { readonly turn_id: TurnId } } | { readonly queued: QueueEntry; readonly turn: Promise<TurnId> };

/** Starts (or queues) what was asked for. */
function starter(turns: TurnManager, queue: SendQueue, start: TurnStartRequest) {
  return async (listener?: (numbered: NumberedFrame) => void): Promise<Outcome> => {
    switch (start.kind) {
      case "send":
        return queue.send({ text: start.text, requestId: start.request_id, by: "api" }, listener);
      case "edit":
        return { started: await turns.edit(start.message_id, start.text, listener) };
      case "regenerate":
        return { started: await turns.regenerate(start.message_id, start.choice, listener) };
    }
  };
}

function errorResponse(error: unknown): Response {
  const appError = error instanceof AppError ? error : internalError(error);
  return Response.json(toErrorBody(appError), { status: appError.status });
}

/** The request as the route validated it (an RPC from the Worker: session-do.ts `startTurn`). */
export async function handleMessageRequest(turns: TurnManager, queue: SendQueue, request: MessageRequest): Promise<Response> {
  const { mode } = request;
  const start = starter(turns, queue, request.start);
  try {
    if (mode === "accept") {
      const outcome = await start();
      return Response.json("started" in outcome ? outcome.started : { queued: outcome.queued }, { status: 202 });
    }
    if (mode === "wait") {
      const outcome = await start();
      const turnId = "started" in outcome ? outcome.started.turn_id : await outcome.turn;
      const result: TurnResult = await turns.wait(turnId);
      return Response.json(result, { status: 200 });
    }
    // The runtime's own byte pipe: each chunk's bytes go straight to the response, with no JS
    // stream (queue, transform, pump) between the write and the socket; frames written while it
    // takes one go together in the next (coalescing-writer.ts).
    const { readable, writable } = new IdentityTransformStream();
    const sse = coalescingWriter(writable);
    const listener = (numbered: NumberedFrame) => {
      sse.write(`event: ${numbered.frame.type}\nid: ${numbered.frame.seq}\ndata: ${numbered.text}\n\n`);
      if (numbered.frame.type === "turn_end") void turns.stored().then(() => sse.close());
    };
    const outcome = await start(listener);
    if ("started" in outcome) sse.write(`: turn ${outcome.started.turn_id}\n\n`);
    else {
      // The stream stays open while the message waits; it ends at once if the message is cancelled.
      sse.write(`: queued ${outcome.queued.id}\n\n`);
      outcome.turn.then(
        (turnId) => sse.write(`: turn ${turnId}\n\n`),
        (error: unknown) => {
          sse.write(`event: error\ndata: ${JSON.stringify(toErrorBody(error instanceof AppError ? error : internalError(error)))}\n\n`);
          sse.close();
        },
      );
    }
    return new Response(readable, {
      status: 200,
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
