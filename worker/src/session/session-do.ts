/**
 * SessionDO: one Durable Object per session (DESIGN §2). It owns the session's sockets
 * (hibernation API), numbers and logs every frame it broadcasts, keeps presence and activity,
 * keeps itself alive while a turn runs, and hands frames, turns and RPC calls to the modules
 * beside it. Logic lives there, not here.
 */
import { DurableObject } from "cloudflare:workers";
import {
  type ApprovalDecision,
  type BranchSwitched,
  type CancelResult,
  ClientToSessionSchema,
  type Credential,
  type Message,
  type MessageId,
  type ErrorCode,
  type FieldIssue,
  PING_FRAME_TEXT,
  PONG_FRAME_TEXT,
  type Presence,
  type Queue,
  type QueueEntry,
  type RequestId,
  type Session,
  type SessionActivity,
  type SessionId,
  SessionIdSchema,
  type TurnResult,
  type UpdateSessionBody,
  decodeFrame,
  encodeFrame,
} from "@maestro/protocol";
import type { Redis } from "@upstash/redis/cloudflare";
import { type Database, type DatabaseHandle, openDatabase } from "../db/client.ts";
import { archiveSession, type SessionRecord, toSession } from "../db/queries/sessions.ts";
import { type Config, type Env, getConfig } from "../env.ts";
import { AppError, internalError, toErrorBody } from "../errors.ts";
import type { LiveState } from "../kv/presence.ts";
import { openRedis } from "../kv/redis.ts";
import { type Logger, createLogger } from "../log.ts";
import { ApprovalDesk, type OpenQuestion } from "./approvals.ts";
import { type FrameHost, handleClientFrame } from "./client-frames.ts";
import { EventLog, type NumberedFrame, type UnnumberedFrame } from "./event-log.ts";
import { announceSessionChange } from "../feed/announce.ts";
import { attach, attachmentOf, broadcastText, countPresence, isJoined, switchingProtocols } from "./fan-out.ts";
import { type MessageRequest, handleMessageRequest } from "./message-endpoint.ts";
import { type RpcResult, toRpcResult } from "./rpc-result.ts";
import { type QueueChange, SendQueue } from "./send-queue.ts";
import { reconfigureSession } from "./session-config.ts";
import { TurnManager } from "./turns.ts";

const SESSION_ID_HEADER = "x-maestro-session-id";
const KEEP_ALIVE_MS = 10_000;
/**
 * How late the session lists may learn of a new activity or new totals: changes within it reach
 * the feed in one call (a turn's end brings both), and that call stays off the path of a turn's
 * first token.
 */
const FEED_DELAY_MS = 50;
/**
 * Postgres connections per session object. A turn's queries are few and mostly in sequence (a
 * cold turn's probe beside the user message's insert, then writes in order), so two serve it;
 * the pool's default five left up to four open per object for 10 s after every turn, 800
 * WebSockets at 200 sessions (issue 15 goal 4).
 */
const DATABASE_CONNECTIONS = 2;

export class SessionDO extends DurableObject<Env> implements FrameHost {
  readonly events: EventLog;
  readonly log: Logger;
  readonly turns: TurnManager;
  readonly queue: SendQueue;
  #activity: SessionActivity = "idle";
  #database: DatabaseHandle | undefined;
  #redis: Redis | undefined;
  #sessionId: SessionId | undefined;
  /**
   * Who a broadcast goes to, asked for on every frame: cached from one accept or close to the next
   * (a socket that closed meanwhile only fails its send, which is skipped). Presence always asks afresh.
   */
  #sockets: WebSocket[] | undefined;
  #feedTimer: ReturnType<typeof setTimeout> | undefined;
  /** The activity or presence changed since the feed last heard the live state. */
  #liveChanged = false;
  /**
   * The live state the feed last heard, as JSON: a turn quicker than FEED_DELAY_MS goes from idle
   * to idle, and the feed need not write that to Redis again (it still hears of the new totals).
   */
  #toldLive: string | undefined;
  #keepAliveQueued = false;
  #storage: ReturnType<typeof storageOf> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.events = new EventLog(ctx.storage.sql);
    this.log = createLogger({ component: "session_do" });
    const desk = new ApprovalDesk(
      {
        broadcast: (frame) => this.broadcast(frame),
        storage: this.storage,
        onPendingChange: (pending) => this.setActivity(pending > 0 ? "waiting_approval" : "waiting_tool"),
      },
      getConfig(env).approvalTimeoutMs,
    );
    this.turns = new TurnManager(this, desk);
    this.events.alongsideWrites(() => this.turns.sweepNotes());
    this.queue = new SendQueue(this, this.turns);
    // Keep-alives are answered by the runtime itself, without waking a hibernated object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME_TEXT, PONG_FRAME_TEXT));
  }

  // ── What the modules use ─────────────────────────────────────────────────────────────────

  get sessionId(): SessionId {
    if (this.#sessionId !== undefined) return this.#sessionId;
    const stored = this.ctx.storage.kv.get<string>("session_id");
    if (stored === undefined) throw new Error("session id not bound yet");
    this.#sessionId = SessionIdSchema.parse(stored);
    return this.#sessionId;
  }

  get config(): Config {
    return getConfig(this.env);
  }

  get bindings(): Env {
    return this.env;
  }

  /** The object's key-value storage as the modules use it (made once: a turn asks for it many times). */
  get storage() {
    this.#storage ??= storageOf(this.ctx.storage.kv);
    return this.#storage;
  }

  get activity(): SessionActivity {
    return this.#activity;
  }

  db(): Database {
    this.#database ??= openDatabase(this.config, DATABASE_CONNECTIONS);
    return this.#database.db;
  }

  redis(): Redis {
    this.#redis ??= openRedis(this.config);
    return this.#redis;
  }

  sockets(): WebSocket[] {
    return this.ctx.getWebSockets();
  }

  broadcast(frame: UnnumberedFrame): NumberedFrame {
    const numbered = this.events.append(frame);
    this.#sockets ??= this.ctx.getWebSockets();
    broadcastText(this.#sockets, numbered.text);
    this.turns.observe(numbered);
    this.queue.observe(numbered);
    return numbered;
  }

  presence(closing?: WebSocket): Presence {
    return countPresence(this.sockets(), closing);
  }

  setActivity(activity: SessionActivity): void {
    // An object that has told the feed nothing yet may be one a restart rebuilt: Redis can still
    // hold what it was doing before (a turn the restart cut off), so even the same activity is told.
    if (activity === this.#activity && this.#toldLive !== undefined) return;
    this.#activity = activity;
    this.#liveChanged = true;
    this.#tellFeedSoon();
  }

  /**
   * Sets the keep-alive alarm, after the task that asked: setting it is a storage write, and
   * outgoing messages wait for storage writes to commit — the turn's model request must not.
   */
  keepAlive(): void {
    if (this.#keepAliveQueued) return;
    this.#keepAliveQueued = true;
    setTimeout(() => {
      this.#keepAliveQueued = false;
      void this.ctx.storage
        .getAlarm()
        .then((alarm) => (alarm === null ? this.ctx.storage.setAlarm(Date.now() + KEEP_ALIVE_MS) : undefined));
    }, 0);
  }

  committed(): Promise<void> {
    return this.ctx.storage.sync();
  }

  async presenceChanged(closing?: WebSocket): Promise<void> {
    this.broadcast({ type: "presence", presence: this.presence(closing) });
    this.#liveChanged = true;
    await this.#tellFeed(closing);
  }

  /** Apply a change (none, to just re-read) and tell every client the session's new shape. */
  async configureSession(changes: UpdateSessionBody): Promise<Session> {
    const record = await reconfigureSession(this.db(), this.sessionId, changes);
    this.turns.sessionChanged(record?.row);
    if (record === undefined) throw new AppError("SESSION_NOT_FOUND", "No session with that id.");
    return this.showSession(record);
  }

  /** Tell every client, and the session lists, the session's shape. */
  showSession(record: SessionRecord): Session {
    const session = toSession(record, { presence: this.presence(), activity: this.#activity }, this.config);
    this.broadcast({ type: "session_update", session });
    this.#tellFeedSoon();
    return session;
  }

  // ── Sockets, requests, alarms ────────────────────────────────────────────────────────────

  override async fetch(request: Request): Promise<Response> {
    // Only sockets arrive by fetch; a turn starts by RPC (startTurn).
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      const error = new AppError("ROUTE_NOT_FOUND", "A session's object takes only sockets by fetch.");
      return Response.json(toErrorBody(error), { status: error.status });
    }
    this.#bind(request.headers.get(SESSION_ID_HEADER));
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    this.#sockets = undefined;
    attach(server, { connection_id: crypto.randomUUID(), kind: null, connected_at: Date.now() });
    return switchingProtocols(request, client);
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const decoded = decodeFrame(ClientToSessionSchema, message);
    if (!decoded.ok) return this.#reject(socket, decoded.error.code, decoded.error.message, decoded.error.fields);
    try {
      await handleClientFrame(this, socket, decoded.value);
    } catch (error) {
      const appError = error instanceof AppError ? error : internalError(error);
      if (appError.status >= 500) this.log.error("session.frame_failed", { frame: decoded.value.type, error });
      this.#reject(socket, appError.code, appError.message, appError.fields);
    }
  }

  override async webSocketClose(socket: WebSocket, code: number): Promise<void> {
    const wasJoined = isJoined(socket);
    try {
      socket.close(code === 1005 ? 1000 : code, "closing");
    } catch {
      // Already closed.
    }
    this.#sockets = undefined;
    if (wasJoined) await this.presenceChanged(socket);
  }

  override async webSocketError(socket: WebSocket, error: unknown): Promise<void> {
    this.#sockets = undefined;
    this.log.warn("session.socket_error", { connection_id: attachmentOf(socket)?.connection_id, error });
    if (isJoined(socket)) await this.presenceChanged(socket);
  }

  /** The keep-alive while a turn runs; after a restart, the moment an interrupted turn is closed. */
  override async alarm(): Promise<void> {
    if (this.turns.running) {
      await this.ctx.storage.setAlarm(Date.now() + KEEP_ALIVE_MS);
      return;
    }
    if (this.ctx.storage.kv.get("session_id") !== undefined) await this.turns.recover();
  }

  #reject(socket: WebSocket, code: ErrorCode, message: string, fields: readonly FieldIssue[]): void {
    try {
      socket.send(encodeFrame({ type: "error", code, message, ...(fields.length > 0 && { fields: [...fields] }) }));
    } catch {
      // The socket closed meanwhile.
    }
  }

  #tellFeedSoon(): void {
    this.#feedTimer ??= setTimeout(() => void this.#tellFeed(), FEED_DELAY_MS);
  }

  /** The session lists reload this session; with the live state when it changed (the feed writes it to Redis first). */
  async #tellFeed(closing?: WebSocket): Promise<void> {
    if (this.#feedTimer !== undefined) clearTimeout(this.#feedTimer);
    this.#feedTimer = undefined;
    const state: LiveState | undefined = this.#liveChanged ? { presence: this.presence(closing), activity: this.#activity } : undefined;
    this.#liveChanged = false;
    const text = state === undefined ? undefined : JSON.stringify(state);
    const live = text !== this.#toldLive ? state : undefined;
    if (live !== undefined) this.#toldLive = text;
    await announceSessionChange(this.env, this.sessionId, this.log, live);
  }

  // ── RPC from the Worker's routes ─────────────────────────────────────────────────────────

  /** POST …/messages (and /edit, /regenerate): the route's half is routes/turn-start.ts. */
  async startTurn(sessionId: string, request: MessageRequest): Promise<Response> {
    this.#bind(sessionId);
    return handleMessageRequest(this.turns, this.queue, request);
  }

  async retryTurn(sessionId: string): Promise<RpcResult<{ turn_id: string }>> {
    return this.#rpc(sessionId, () => this.turns.retry());
  }

  async cancelTurn(sessionId: string): Promise<RpcResult<CancelResult>> {
    return this.#rpc(sessionId, async () => this.turns.cancel());
  }

  async answerApproval(
    sessionId: string,
    callId: string,
    decision: ApprovalDecision,
    reason?: string,
    requestId?: RequestId,
  ): Promise<RpcResult<{ call_id: string; decision: ApprovalDecision }>> {
    return this.#rpc(sessionId, async () => {
      this.turns.answer(callId, decision, "api", reason, requestId);
      return { call_id: callId, decision };
    });
  }

  /** What this session is asking now, for the inbox; after a restart, nothing (the turn is closed first). */
  async pendingApprovals(sessionId: string): Promise<RpcResult<OpenQuestion[]>> {
    return this.#rpc(sessionId, async () => this.turns.openQuestions());
  }

  /** The queue routes: read it, edit or cancel an entry, resume it (see send-queue.ts). */
  async changeQueue(sessionId: string, change: QueueChange): Promise<RpcResult<Queue | QueueEntry>> {
    return this.#rpc(sessionId, async () => this.queue.apply(change));
  }

  async compact(sessionId: string, instructions?: string): Promise<RpcResult<{ message: Message }>> {
    return this.#rpc(sessionId, async () => ({ message: await this.turns.compact(instructions).finally(() => this.queue.next()) }));
  }

  async switchBranch(sessionId: string, messageId: MessageId): Promise<RpcResult<BranchSwitched>> {
    return this.#rpc(sessionId, () => this.turns.switchBranch(messageId));
  }

  async credentialChanged(sessionId: string, credential: Credential): Promise<RpcResult<null>> {
    return this.#rpc(sessionId, async () => {
      this.turns.credentialChanged();
      this.broadcast({ type: "credential_update", credential });
      return null;
    });
  }

  /**
   * A credential, tool, MCP server or local agent changed (input-notices.ts): the next turn reads
   * what it is made of again. Only memory is touched, so nothing is recovered first.
   */
  async turnInputsChanged(sessionId: string): Promise<void> {
    this.#bind(sessionId);
    this.turns.inputsChanged();
  }

  async waitForTurn(sessionId: string, turnId: string): Promise<RpcResult<TurnResult>> {
    return this.#rpc(sessionId, () => this.turns.wait(turnId));
  }

  async configure(sessionId: string, changes: UpdateSessionBody): Promise<RpcResult<Session>> {
    return this.#rpc(sessionId, () => this.configureSession(changes));
  }

  async archive(sessionId: string): Promise<RpcResult<Session>> {
    return this.#rpc(sessionId, async () => {
      this.turns.sessionChanged(undefined);
      if (!(await archiveSession(this.db(), this.sessionId))) throw new AppError("SESSION_NOT_FOUND", "No session with that id.");
      this.turns.cancel();
      return this.configureSession({});
    });
  }

  async #rpc<T>(sessionId: string, work: () => Promise<T>): Promise<RpcResult<T>> {
    return toRpcResult(async () => {
      this.#bind(sessionId);
      await this.turns.recover();
      return work();
    });
  }

  /** Remember which session this object is; refuse an id that does not name this object. */
  #bind(candidate: string | null): void {
    const sessionId = SessionIdSchema.parse(candidate);
    if (!this.ctx.id.equals(this.env.SESSION.idFromName(sessionId))) throw new Error("session id does not match this object");
    if (this.#sessionId === undefined && this.ctx.storage.kv.get("session_id") === undefined)
      this.ctx.storage.kv.put("session_id", sessionId);
    this.#sessionId = sessionId;
  }
}

function storageOf(kv: DurableObjectState["storage"]["kv"]) {
  return {
    get: <T>(key: string) => kv.get<T>(key),
    put: (key: string, value: unknown) => kv.put(key, value),
    delete: (key: string) => void kv.delete(key),
    list: <T>(prefix: string) => [...kv.list<T>({ prefix })],
  };
}
