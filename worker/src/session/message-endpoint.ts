/**
 * POST /sessions/:id/messages (and a message's /edit and /regenerate) inside the session's
 * object: the route has validated the request and forwards `{ start, mode }` here. `accept`
 * answers 202 at once; `wait` answers with the finished turn; `stream` answers with the turn's
 * frames as server-sent events, from the user's message to turn_end (subscribed before the turn
 * starts, so nothing is missed).
 */
import { MessageIdSchema, RegenerateBodySchema, type TurnResult } from "@maestro/protocol";
import { z } from "zod";
import { AppError, internalError, toErrorBody } from "../errors.ts";
import type { NumberedFrame } from "./event-log.ts";
import type { TurnManager } from "./turns.ts";

const TurnStartSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("send"), text: z.string() }),
  z.object({ kind: z.literal("edit"), message_id: MessageIdSchema, text: z.string() }),
  z.object({ kind: z.literal("regenerate"), message_id: MessageIdSchema, choice: RegenerateBodySchema }),
]);
export const MessageRequestSchema = z.object({ start: TurnStartSchema, mode: z.enum(["accept", "wait", "stream"]) });
export type MessageRequest = z.infer<typeof MessageRequestSchema>;
export type TurnStartRequest = z.infer<typeof TurnStartSchema>;

/** Starts the turn asked for; what it answers is what the 202 says. */
function starter(turns: TurnManager, start: TurnStartRequest) {
  return (listener?: (numbered: NumberedFrame) => void): Promise<{ turn_id: string }> => {
    switch (start.kind) {
      case "send":
        return turns.send(start.text, listener);
      case "edit":
        return turns.edit(start.message_id, start.text, listener);
      case "regenerate":
        return turns.regenerate(start.message_id, start.choice, listener);
    }
  };
}

const encoder = new TextEncoder();

function errorResponse(error: unknown): Response {
  const appError = error instanceof AppError ? error : internalError(error);
  return Response.json(toErrorBody(appError), { status: appError.status });
}

export async function handleMessageRequest(turns: TurnManager, request: Request): Promise<Response> {
  const parsed = MessageRequestSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) return errorResponse(new AppError("INVALID_REQUEST", "Malformed internal message request."));
  const { mode } = parsed.data;
  const start = starter(turns, parsed.data.start);
  try {
    if (mode === "accept") return Response.json(await start(), { status: 202 });
    if (mode === "wait") {
      const accepted = await start();
      const result: TurnResult = await turns.wait(accepted.turn_id);
      return Response.json(result, { status: 200 });
    }
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    const write = (chunk: string) => writer.write(encoder.encode(chunk)).catch(() => undefined);
    const listener = (numbered: NumberedFrame) => {
      void write(`event: ${numbered.frame.type}\nid: ${numbered.frame.seq}\ndata: ${numbered.text}\n\n`);
      if (numbered.frame.type === "turn_end") void writer.close().catch(() => undefined);
    };
    const accepted = await start(listener);
    void write(`: turn ${accepted.turn_id}\n\n`);
    return new Response(readable, {
      status: 200,
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
