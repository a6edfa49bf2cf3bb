/**
 * SessionDO: one Durable Object per session (DESIGN §2). It owns the session's sockets
 * (hibernation API), numbers and logs every frame it broadcasts, keeps presence, and routes
 * client frames and RPC calls to the plain modules beside it. Logic lives there, not here.
 */
import { DurableObject } from "cloudflare:workers";
import {
  type ClientToSession,
  ClientToSessionSchema,
  type ErrorCode,
  type FieldIssue,
  type Presence,
  PING_FRAME_TEXT,
  PONG_FRAME_TEXT,
  SESSION_SOCKET_PROTOCOL,
  type SendMessageAccepted,
  type Session,
  type SessionId,
  SessionIdSchema,
  type UpdateSessionBody,
  decodeFrame,
  encodeFrame,
} from "@maestro/protocol";
import type { Redis } from "@upstash/redis/cloudflare";
import { openDatabase, type DatabaseHandle, type Database } from "../db/client.ts";
import { archiveSession, toSession } from "../db/queries/sessions.ts";
import { getConfig, type Env } from "../env.ts";
import { AppError, internalError } from "../errors.ts";
import { writeLiveState } from "../kv/presence.ts";
import { openRedis } from "../kv/redis.ts";
import { createLogger, type Logger } from "../log.ts";
import { EventLog, type UnnumberedFrame } from "./event-log.ts";
import { attachmentOf, broadcastText, countPresence, isJoined, sendText } from "./fan-out.ts";
import { joinSession } from "./hello.ts";
import { type RpcResult, toRpcResult } from "./rpc-result.ts";
import type { SessionRuntime } from "./runtime.ts";
import { reconfigureSession } from "./session-config.ts";
import { acceptUserMessage } from "./user-message.ts";

const SESSION_ID_HEADER = "x-maestro-session-id";

export class SessionDO extends DurableObject<Env> implements SessionRuntime {
  readonly events: EventLog;
  readonly log: Logger;
  #database: DatabaseHandle | undefined;
  #redis: Redis | undefined;
  #sessionId: SessionId | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.events = new EventLog(ctx.storage.sql);
    this.log = createLogger({ component: "session_do" });
    // Keep-alives are answered by the runtime itself, without waking a hibernated object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME_TEXT, PONG_FRAME_TEXT));
  }

  // ── SessionRuntime ───────────────────────────────────────────────────────────────────────

  get sessionId(): SessionId {
    if (this.#sessionId !== undefined) return this.#sessionId;
    const stored = this.ctx.storage.kv.get<string>("session_id");
    if (stored === undefined) throw new Error("session id not bound yet");
    this.#sessionId = SessionIdSchema.parse(stored);
    return this.#sessionId;
  }

  db(): Database {
    this.#database ??= openDatabase(getConfig(this.env));
    return this.#database.db;
  }

  redis(): Redis {
    this.#redis ??= openRedis(getConfig(this.env));
    return this.#redis;
  }

  sockets(): WebSocket[] {
    return this.ctx.getWebSockets();
  }

  broadcast(frame: UnnumberedFrame): void {
    broadcastText(this.sockets(), this.events.append(frame));
  }

  presence(closing?: WebSocket): Presence {
    return countPresence(this.sockets(), closing);
  }

  // ── Sockets ──────────────────────────────────────────────────────────────────────────────

  override async fetch(request: Request): Promise<Response> {
    this.#bind(request.headers.get(SESSION_ID_HEADER));
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ connection_id: crypto.randomUUID(), kind: null, connected_at: Date.now() });
    const offered =
      request.headers
        .get("sec-websocket-protocol")
        ?.split(",")
        .map((value) => value.trim()) ?? [];
    const headers = offered.includes(SESSION_SOCKET_PROTOCOL) ? { "sec-websocket-protocol": SESSION_SOCKET_PROTOCOL } : undefined;
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const decoded = decodeFrame(ClientToSessionSchema, message);
    if (!decoded.ok) return this.#reject(socket, decoded.error.code, decoded.error.message, decoded.error.fields);
    try {
      await this.#handle(socket, decoded.value);
    } catch (error) {
      const appError = error instanceof AppError ? error : internalError(error);
      if (appError.status >= 500) this.log.error("session.frame_failed", { frame: decoded.value.type, error });
      this.#reject(socket, appError.code, appError.message, appError.fields);
    }
  }

  override async webSocketClose(socket: WebSocket, code: number, _reason: string, _wasClean: boolean): Promise<void> {
    const wasJoined = isJoined(socket);
    try {
      socket.close(code === 1005 ? 1000 : code, "closing");
    } catch {
      // Already closed.
    }
    if (wasJoined) await this.#presenceChanged(socket);
  }

  override async webSocketError(socket: WebSocket, error: unknown): Promise<void> {
    this.log.warn("session.socket_error", { connection_id: attachmentOf(socket)?.connection_id, error });
    if (isJoined(socket)) await this.#presenceChanged(socket);
  }

  async #handle(socket: WebSocket, frame: ClientToSession): Promise<void> {
    if (frame.type === "ping") return sendText(socket, PONG_FRAME_TEXT);
    if (frame.type === "hello") {
      if (isJoined(socket)) throw new AppError("INVALID_FRAME", "This socket has already said hello.");
      await joinSession(this, socket, frame);
      return this.#presenceChanged();
    }
    if (!isJoined(socket)) throw new AppError("HELLO_REQUIRED", "Send hello before anything else.");
    switch (frame.type) {
      case "send":
        await acceptUserMessage(this, frame.text);
        return;
      case "configure":
        await this.#configure(frame.changes);
        return;
      case "cancel":
        throw new AppError("NO_ACTIVE_TURN", "There is no turn in progress to cancel.");
      case "approve":
        throw new AppError("APPROVAL_NOT_FOUND", "No approval is waiting for that call.");
      default:
        return assertNever(frame);
    }
  }

  #reject(socket: WebSocket, code: ErrorCode, message: string, fields: readonly FieldIssue[]): void {
    sendText(socket, encodeFrame({ type: "error", code, message, ...(fields.length > 0 && { fields: [...fields] }) }));
  }

  async #presenceChanged(closing?: WebSocket): Promise<void> {
    const presence = this.presence(closing);
    this.broadcast({ type: "presence", presence });
    await writeLiveState(this.redis(), this.sessionId, { presence, activity: "idle" }).catch((error: unknown) => {
      this.log.warn("presence.mirror_failed", { session_id: this.sessionId, error });
    });
  }

  // ── RPC from the Worker's routes ─────────────────────────────────────────────────────────

  async submitMessage(sessionId: string, text: string): Promise<RpcResult<SendMessageAccepted>> {
    return toRpcResult(async () => {
      this.#bind(sessionId);
      return acceptUserMessage(this, text);
    });
  }

  async configure(sessionId: string, changes: UpdateSessionBody): Promise<RpcResult<Session>> {
    return toRpcResult(async () => {
      this.#bind(sessionId);
      return this.#configure(changes);
    });
  }

  async archive(sessionId: string): Promise<RpcResult<Session>> {
    return toRpcResult(async () => {
      this.#bind(sessionId);
      if (!(await archiveSession(this.db(), this.sessionId))) throw new AppError("SESSION_NOT_FOUND", "No session with that id.");
      return this.#configure({});
    });
  }

  /** Apply a change (none, to just re-read) and tell every client the session's new shape. */
  async #configure(changes: UpdateSessionBody): Promise<Session> {
    const record = await reconfigureSession(this.db(), this.sessionId, changes);
    if (record === undefined) throw new AppError("SESSION_NOT_FOUND", "No session with that id.");
    const session = toSession(record, { presence: this.presence(), activity: "idle" });
    this.broadcast({ type: "session_update", session });
    return session;
  }

  /** Remember which session this object is; refuse an id that does not name this object. */
  #bind(candidate: string | null): void {
    const sessionId = SessionIdSchema.parse(candidate);
    if (!this.ctx.id.equals(this.env.SESSION.idFromName(sessionId))) throw new Error("session id does not match this object");
    if (this.#sessionId === undefined && this.ctx.storage.kv.get("session_id") === undefined) {
      this.ctx.storage.kv.put("session_id", sessionId);
    }
    this.#sessionId = sessionId;
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled frame: ${JSON.stringify(value)}`);
}
