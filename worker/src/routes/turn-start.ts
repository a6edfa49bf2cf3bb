/**
 * A route's half of starting a turn (send, edit, regenerate): forward it to the session's object
 * in the mode the request asks for — `Accept: text/event-stream` streams the turn's frames,
 * `?wait=true` waits for its end, otherwise 202 at once. The object answers in the API's own
 * shapes (202, 200 JSON, SSE, or an error body); session/message-endpoint.ts is its other half.
 */
import type { SessionId } from "@maestro/protocol";
import type { Env } from "../env.ts";
import type { MessageRequest, TurnStartRequest } from "../session/message-endpoint.ts";
import { sessionStub } from "../session/stub.ts";

export function forwardTurnStart(
  c: { env: Env; req: { header(name: string): string | undefined } },
  sessionId: SessionId,
  start: TurnStartRequest,
  wait: boolean,
): Promise<Response> {
  const mode: MessageRequest["mode"] = c.req.header("accept")?.includes("text/event-stream") ? "stream" : wait ? "wait" : "accept";
  return sessionStub(c.env, sessionId).startTurn(sessionId, { start, mode });
}
