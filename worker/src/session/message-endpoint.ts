/**
 * POST /sessions/:id/messages inside the session's object: the route has validated the request
 * and forwards `{ text, mode }` here. `accept` answers 202 at once; `wait` answers with the
 * finished turn; `stream` answers with the turn's frames as server-sent events, from the user's
 * message to turn_end (subscribed before the turn starts, so nothing is missed).
 */
import type { TurnResult } from "@maestro/protocol";
import { z } from "zod";
import { AppError, internalError, toErrorBody } from "../errors.ts";
import type { NumberedFrame } from "./event-log.ts";
import type { TurnManager } from "./turns.ts";

export const MessageRequestSchema = z.object({ text: z.string(), mode: z.enum(["accept", "wait", "stream"]) });
export type MessageRequest = z.infer<typeof MessageRequestSchema>;

const encoder = new TextEncoder();

function errorResponse(error: unknown): Response {
  const appError = error instanceof AppError ? error : internalError(error);
  return Response.json(toErrorBody(appError), { status: appError.status });
}

export async function handleMessageRequest(turns: TurnManager, request: Request): Promise<Response> {
  const parsed = MessageRequestSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) return errorResponse(new AppError("INVALID_REQUEST", "Malformed internal message request."));
  const { text, mode } = parsed.data;
  try {
    if (mode === "accept") return Response.json(await turns.send(text), { status: 202 });
    if (mode === "wait") {
      const accepted = await turns.send(text);
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
    const accepted = await turns.send(text, listener);
    void write(`: turn ${accepted.turn_id}\n\n`);
    return new Response(readable, {
      status: 200,
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
