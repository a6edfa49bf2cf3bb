/**
 * SessionFeedDO: one Durable Object for the whole deployment (a single user's), holding the
 * sockets of every client that shows a session list, and telling them which session just changed.
 * Sessions announce themselves (publish), with their new presence and activity when those
 * changed: the feed writes them to Redis, where the lists read them, batched across sessions
 * (live-states.ts), and announces the change once it is written. The object keeps no state but
 * its sockets and the writes in flight, and sleeps (hibernation) between announcements, with
 * keep-alives answered by the runtime.
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
import { getConfig, type Env } from "../env.ts";
import { type LiveState, writeLiveStates } from "../kv/presence.ts";
import { openRedis } from "../kv/redis.ts";
import { type Logger, createLogger } from "../log.ts";
import { sendText, switchingProtocols } from "../session/fan-out.ts";
import { LiveStateBatcher } from "./live-states.ts";

export class SessionFeedDO extends DurableObject<Env> {
  readonly #log: Logger = createLogger({ component: "session_feed" });
  #liveStates: LiveStateBatcher | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME_TEXT, PONG_FRAME_TEXT));
  }

  override fetch(request: Request): Response {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return switchingProtocols(request, pair[0]);
  }

  /**
   * RPC from a session (or a route): tell every list that this session changed. With `live`, the
   * session's presence or activity changed too: the lists hear of it once Redis holds it, and the
   * call returns then. A failed write is logged, not thrown: the entry expires, the next change
   * writes it again, and the lists still hear of the change.
   */
  async publish(sessionId: SessionId, live?: LiveState): Promise<void> {
    if (live !== undefined) {
      if (this.#liveStates === undefined) {
        const redis = openRedis(getConfig(this.env));
        this.#liveStates = new LiveStateBatcher((states) => writeLiveStates(redis, states));
      }
      await this.#liveStates.write(sessionId, live).catch((error: unknown) => {
        this.#log.warn("presence.mirror_failed", { session_id: sessionId, error });
      });
    }
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
