/**
 * A user's message arriving from any client (socket `send` or POST /messages): stored in Postgres,
 * then shown to every watching client as a `message` frame. The model call comes with the agent
 * loop (issue 3).
 */
import { type SendMessageAccepted, TurnIdSchema } from "@maestro/protocol";
import { insertUserMessage } from "../db/queries/messages.ts";
import { getSession } from "../db/queries/sessions.ts";
import { AppError } from "../errors.ts";
import type { SessionRuntime } from "./runtime.ts";

export async function acceptUserMessage(runtime: SessionRuntime, text: string): Promise<SendMessageAccepted> {
  const db = runtime.db();
  const record = await getSession(db, runtime.sessionId);
  if (record === undefined) throw new AppError("SESSION_NOT_FOUND", "No session with that id.");
  if (record.row.status === "archived") throw new AppError("SESSION_ARCHIVED", "This session is archived; it takes no new messages.");
  const turnId = TurnIdSchema.parse(crypto.randomUUID());
  const message = await insertUserMessage(db, { sessionId: runtime.sessionId, turnId, text });
  runtime.broadcast({ type: "message", message });
  runtime.log.info("session.message_stored", { session_id: runtime.sessionId, message_id: message.id, turn_id: turnId });
  return { turn_id: turnId, message_id: message.id };
}
