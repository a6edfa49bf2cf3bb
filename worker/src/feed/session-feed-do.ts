/**
 * SessionFeedDO: one Durable Object for the whole deployment (a single user's), holding the
 * sockets of every client that shows a session list, and telling them which session just changed.
 * Sessions announce themselves (publish); the object keeps no state but its sockets, and sleeps
 * (hibernation) between announcements, with keep-alives answered by the runtime.
 */
import {
  type CredentialChangedFrame,
  type CredentialId,
  PING_FRAME_TEXT,
  PONG_FRAME_TEXT,
  type SessionChangedFrame,
  type SessionFeedFrame,
  type SessionId,
  encodeFrame,
} from "@maestro/protocol";
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";
import { sendText, switchingProtocols } from "../session/fan-out.ts";

export class SessionFeedDO extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME_TEXT, PONG_FRAME_TEXT));
  }

  override fetch(request: Request): Response {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return switchingProtocols(request, pair[0]);
  }

  /** RPC from a session (or a route): tell every list that this session changed. */
  publish(sessionId: SessionId): void {
    const frame: SessionChangedFrame = { type: "session_changed", session_id: sessionId };
    this.#broadcast(frame);
  }

  /** RPC from the token refresher: tell every client that this credential's state changed. */
  publishCredential(credentialId: CredentialId): void {
    const frame: CredentialChangedFrame = { type: "credential_changed", credential_id: credentialId };
    this.#broadcast(frame);
  }

  #broadcast(frame: SessionFeedFrame): void {
    const text = encodeFrame(frame);
    for (const socket of this.ctx.getWebSockets()) sendText(socket, text);
  }

  /** Clients only listen; anything but the keep-alive (answered by the runtime) is ignored. */
  override webSocketMessage(): void {}

  override webSocketClose(socket: WebSocket, code: number): void {
    try {
      socket.close(code === 1005 ? 1000 : code, "closing");
    } catch {
      // Already closed.
    }
  }
}
