/**
 * AgentDO: one Durable Object per local agent, the Worker's end of the tunnel (DESIGN §4). It
 * holds the agent's socket (hibernation API), remembers what the agent registered, pings it, and
 * carries tool calls from sessions to the agent and their progress and results back.
 *
 * Presence is a heartbeat, not the socket: a stopped or sleeping agent (SIGSTOP, a closed laptop)
 * keeps its TCP connection open for minutes, so the agent counts as offline once it has not
 * answered for SILENT_LIMIT_MS. Pinging every PING_EVERY_MS, that is noticed at most
 * PING_EVERY_MS + SILENT_LIMIT_MS (8 s) after its last answer, and GET /agents also checks the
 * silence itself, so an agent is shown offline within 10 s. Offline, the agent's waiting calls
 * pause their clocks (PendingCalls); new calls fail at once or wait, as their session says.
 *
 * Nothing this object stores lies on a tool call's path. Every storage write holds the object's
 * outgoing messages until it is on disk (the output gate), and a result settles the session's RPC
 * with one of them; so a call and its result write nothing. The presence records that pings
 * refresh (`heard_at`, the next alarm, the Postgres mirror's clock) are written with
 * `allowUnconfirmed`, but a SQLite-backed object's storage ignores that option (workerd's
 * ActorSqlite gates every implicit commit): each ping and each pong still holds, for one commit, a
 * call or a result that happens to cross the tunnel in that moment — two commits every 2 s. Were
 * the option honoured, a crash could lose only the newest of those writes: the object would see
 * the agent as heard from one ping earlier, or have no ping alarm until the agent dials again (its
 * socket died with the crash, and it reconnects within its 8 s silence limit).
 */
import { DurableObject } from "cloudflare:workers";
import {
  type AgentId,
  AgentIdSchema,
  type AgentToWorker,
  DEFAULT_AGENT_OFFLINE_GRACE_MS,
  AgentToWorkerSchema,
  type ToolOutcome,
  type TunnelCallId,
  type WorkerToAgent,
  decodeFrame,
  encodeFrame,
} from "@maestro/protocol";
import { type DatabaseHandle, openDatabase } from "../db/client.ts";
import { recordAgentSeen } from "../db/queries/agents.ts";
import { type Env, getConfig } from "../env.ts";
import { type Logger, createLogger } from "../log.ts";
import { noticeInputsChange } from "../session/input-notices.ts";
import type { ToolProgress } from "../session/turn-ports.ts";
import {
  type AgentCallRequest,
  type AgentOfflinePolicy,
  type AgentStatus,
  type Registration,
  TUNNEL_CLOSE,
  registeredKind,
} from "./agent-port.ts";
import { PendingCalls } from "./pending-calls.ts";

export const AGENT_ID_HEADER = "x-maestro-agent-id";
export const PING_EVERY_MS = 2_000;
/** Three missed pings: the agent is stopped, asleep or cut off, even if TCP has not noticed. */
export const SILENT_LIMIT_MS = 6_000;
/** Postgres hears of a live agent at most this often (pings are every 2 s; last_seen_at needs no more). */
const SEEN_WRITE_EVERY_MS = 60_000;
/** For a call that names no policy: fail new calls at once; hold handed-over ones this long. */
const DEFAULT_OFFLINE: AgentOfflinePolicy = { mode: "fail", graceMs: DEFAULT_AGENT_OFFLINE_GRACE_MS };

const OFFLINE: ToolOutcome = {
  ok: false,
  code: "AGENT_OFFLINE",
  message: "The local agent is not connected, so this tool cannot run. Tell the user to start maestro-agent.",
  recoverable: false,
};

const CANCELLED: ToolOutcome = { ok: false, code: "CANCELLED", message: "The call was cancelled.", recoverable: false };

const REVOKED: ToolOutcome = {
  ok: false,
  code: "AGENT_OFFLINE",
  message: "The local agent's token was revoked while this call waited for it.",
  recoverable: false,
};

/**
 * Kept on a socket once its agent registered: which agent process is at the other end. A socket
 * closed for silence is `retired`: its agent was stopped or asleep and may still speak on it when
 * it wakes, before it sees the close.
 */
interface TunnelAttachment {
  readonly instance: string | null;
  readonly retired?: true;
}

function rawAttachment(socket: WebSocket): TunnelAttachment | undefined {
  // Only #register writes it, and fetch and #silent retire it, so its shape is known.
  const attached = socket.deserializeAttachment() as TunnelAttachment | null;
  return attached ?? undefined;
}

/** The registered agent process at the other end of a live socket. */
function attachmentOf(socket: WebSocket): TunnelAttachment | undefined {
  const attached = rawAttachment(socket);
  return attached?.retired === true ? undefined : attached;
}

export class AgentDO extends DurableObject<Env> {
  readonly #log: Logger = createLogger({ component: "agent_do" });
  readonly #pending = new PendingCalls(
    (id) => this.#send({ type: "cancel", id }),
    () => this.#label(),
  );
  #database: DatabaseHandle | undefined;
  /** What the agent registered, read once from storage (null: none); every call looks at it. */
  #registered: Registration | null | undefined;
  /** Sessions being told that this agent came or went (#announce); status() answers after it. */
  #announcing: Promise<void> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // A fresh object (first use, or after eviction) is online only if its agent is registered.
    if (this.#registration() === undefined) this.#pending.wentOffline(Date.now());
  }

  // ── The tunnel socket ────────────────────────────────────────────────────────────────────

  override async fetch(request: Request): Promise<Response> {
    this.#bind(request.headers.get(AGENT_ID_HEADER));
    // A connect whose token was checked just before a revoke reaches here after it: refuse it too.
    if (this.ctx.storage.kv.get<boolean>("revoked") === true) return this.#refuseRevoked();
    // One tunnel per agent: a new connection means the old one is dead or a stale duplicate.
    for (const old of this.ctx.getWebSockets()) {
      old.serializeAttachment({ instance: null, retired: true } satisfies TunnelAttachment);
      this.#close(old, TUNNEL_CLOSE.replaced, "replaced by a newer connection");
    }
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    this.#heard();
    await this.ctx.storage.setAlarm(Date.now() + PING_EVERY_MS);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const decoded = decodeFrame(AgentToWorkerSchema, message);
    if (!decoded.ok) return this.#close(socket, TUNNEL_CLOSE.invalidFrame, decoded.error.message.slice(0, 120));
    const frame = decoded.value;
    // A woken agent's last words on the socket given up on: a result is still its result (so a
    // command is not sent again and run twice); anything else waits for its new connection.
    if (rawAttachment(socket)?.retired === true) {
      if (frame.type === "result") this.#pending.settle(frame.id, frame.outcome);
      return;
    }
    if (frame.type === "register") {
      this.#heard();
      return this.#register(socket, frame);
    }
    if (this.#registration() === undefined) return this.#close(socket, TUNNEL_CLOSE.invalidFrame, "send register first");
    switch (frame.type) {
      case "progress":
        return this.#pending.progress(frame.id, { output: frame.output, status: frame.status });
      case "result":
        // A result nobody waits for: its session restarted meanwhile and recorded the call as interrupted.
        if (!this.#pending.settle(frame.id, frame.outcome))
          this.#log.warn("agent.result_unclaimed", { agent_id: this.#agentId(), call_id: frame.id });
        return;
      case "pong":
        // Liveness is the answer to pings (every 2 s): results and progress store nothing.
        this.#heard();
        void this.#seen();
        return;
    }
  }

  override async webSocketClose(socket: WebSocket, code: number): Promise<void> {
    this.#close(socket, code === 1005 ? 1000 : code, "closing");
    // Waiting calls stay, their clocks paused, for their grace period: the agent may be back.
    if (this.#liveSocket(socket) === undefined) this.#wentOffline();
    void this.#seen(true);
  }

  override async webSocketError(socket: WebSocket, error: unknown): Promise<void> {
    this.#log.warn("agent.socket_error", { agent_id: this.#agentId(), error });
    await this.webSocketClose(socket, 1011);
  }

  /** Ping while connected; a tunnel silent for too long is closed and the agent is offline. */
  override async alarm(): Promise<void> {
    if (this.#liveSocket() === undefined) return;
    if (this.#silent()) return;
    this.#send({ type: "ping", nonce: String(Date.now()) });
    // Unconfirmed, were that honoured (see the top): a result arriving meanwhile would not wait for it.
    await this.ctx.storage.setAlarm(Date.now() + PING_EVERY_MS, { allowUnconfirmed: true });
  }

  // ── RPC from sessions and routes ─────────────────────────────────────────────────────────

  /**
   * Runs one tool call on the agent. Never throws for the expected: offline, timeout, cancel. An
   * offline agent fails the call at once, unless its session waits: then it is held (its card says
   * "waiting for <agent> (offline)") and sent when the agent registers, or fails after the grace.
   */
  async call(request: AgentCallRequest, onProgress: (progress: ToolProgress) => unknown): Promise<ToolOutcome> {
    const { offline = DEFAULT_OFFLINE, ...fields } = request;
    const registration = this.#silent() ? undefined : this.#registration();
    if (registration === undefined && offline.mode === "fail") return OFFLINE;
    const frame = { type: "call", ...fields } satisfies WorkerToAgent;
    // Progress crosses back as an RPC callback; a session that has gone away is not our failure.
    const forward = (progress: ToolProgress) => void Promise.resolve(onProgress(progress)).catch(() => undefined);
    const outcome = this.#pending.add(frame, forward, Date.now(), offline.graceMs);
    // Between a new connection and its register there is no registered socket: it goes then.
    const socket = registration === undefined ? undefined : this.#registeredSocket();
    if (socket !== undefined) this.#deliver(socket, frame);
    return outcome;
  }

  async cancel(id: TunnelCallId): Promise<void> {
    if (this.#pending.settle(id, CANCELLED)) this.#send({ type: "cancel", id });
  }

  async status(): Promise<AgentStatus> {
    // Asked between two alarms, an agent silent past the limit is already offline.
    const silent = this.#silent();
    // Whoever sees this agent come or go (GET /agents) may start a turn at once: the sessions
    // holding its tools warm are told first.
    for (let pending = this.#announcing; pending !== undefined; pending = this.#announcing) await pending;
    const registration = silent ? undefined : this.#registration();
    return { connected: registration !== undefined, registration: registration ?? null };
  }

  /** The agent's token was revoked: end the tunnel now, not at its next reconnect. */
  async revoke(): Promise<void> {
    // Kept for good: a revoked agent id never comes back (a new agent gets a new id and token).
    this.ctx.storage.kv.put("revoked", true);
    for (const socket of this.ctx.getWebSockets()) this.#close(socket, TUNNEL_CLOSE.revoked, "agent token revoked");
    this.#wentOffline();
    this.#pending.settleAll(REVOKED);
    await this.#announcing;
  }

  /** Accept, then close at once with the revoked code, so the agent stops as it would on a revoke. */
  #refuseRevoked(): Response {
    const pair = new WebSocketPair();
    pair[1].accept();
    pair[1].close(TUNNEL_CLOSE.revoked, "agent token revoked");
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  // ── Inside ───────────────────────────────────────────────────────────────────────────────

  #register(socket: WebSocket, frame: Extract<AgentToWorker, { type: "register" }>): void {
    const { type: _type, protocol_version: _version, running, ...registration } = frame;
    this.ctx.storage.kv.put("registration", registration satisfies Registration);
    this.#registered = registration;
    const instance = frame.instance ?? null;
    socket.serializeAttachment({ instance } satisfies TunnelAttachment);
    // Back (or here for the first time): the waiting calls' clocks run again from where they stopped.
    this.#pending.cameBack(Date.now());
    for (const call of this.#pending.reconcile(running, instance)) this.#deliver(socket, call);
    // Calls the agent still runs that no session waits for any more (this object restarted, and the
    // session recorded them as interrupted): stop them, so nothing runs that nobody will see.
    for (const id of running) {
      if (this.#pending.has(id)) continue;
      this.#sendTo(socket, { type: "cancel", id });
      this.#log.warn("agent.orphan_call_cancelled", { agent_id: this.#agentId(), call_id: id });
    }
    this.#log.info("agent.registered", { agent_id: this.#agentId(), version: frame.version, roots: frame.roots.length });
    // Its tools (and the roots the row now holds) are new to every session: told once the row is written.
    this.#announce(this.#seen(true, registration));
  }

  #registration(): Registration | undefined {
    this.#registered ??= this.ctx.storage.kv.get<Registration>("registration") ?? null;
    return this.#registered ?? undefined;
  }

  /** The agent answered (or connected, or registered) now; a write of its own (see the top). */
  #heard(): void {
    void this.ctx.storage.put("heard_at", Date.now(), { allowUnconfirmed: true });
  }

  /**
   * Whether a registered agent has been silent past the limit; if so, it is made offline now
   * (its tunnel closed, its calls paused) rather than at the next alarm.
   */
  #silent(): boolean {
    if (this.#registration() === undefined) return false;
    const heardAt = this.ctx.storage.kv.get<number>("heard_at") ?? 0;
    if (Date.now() - heardAt <= SILENT_LIMIT_MS) return false;
    this.#log.warn("agent.silent", { agent_id: this.#agentId(), silent_ms: Date.now() - heardAt });
    for (const socket of this.ctx.getWebSockets()) {
      // A stopped agent never answers the close: its socket lingers, so it must not look registered.
      socket.serializeAttachment({ instance: null, retired: true } satisfies TunnelAttachment);
      this.#close(socket, TUNNEL_CLOSE.silent, "no answer to pings");
    }
    this.#wentOffline();
    return true;
  }

  #wentOffline(): void {
    const was = this.#registration();
    this.ctx.storage.kv.delete("registration");
    this.#registered = null;
    this.#pending.wentOffline(Date.now());
    if (was !== undefined) this.#announce();
  }

  /**
   * Tells the sessions that hold this agent's tools warm that it came, went or registered anew
   * (session/input-notices.ts), after `written` (the row's write). A ping's last-seen tells nobody.
   */
  #announce(written?: Promise<unknown>): void {
    const before = this.#announcing;
    const announcing: Promise<void> = (async () => {
      await Promise.all([before, written]);
      await noticeInputsChange(this.env, this.#log, "agent");
    })()
      .catch((error: unknown) => this.#log.warn("agent.announce_failed", { agent_id: this.#agentId(), error }))
      .finally(() => {
        if (this.#announcing === announcing) this.#announcing = undefined;
      });
    this.#announcing = announcing;
    this.ctx.waitUntil(announcing);
  }

  /** The agent's name as the user knows it (GET /agents), for "waiting for <name> (offline)". */
  #label(): string {
    return this.ctx.storage.kv.get<string>("label") ?? "the local agent";
  }

  #send(frame: WorkerToAgent): void {
    const socket = this.#liveSocket();
    if (socket !== undefined) this.#sendTo(socket, frame);
  }

  /**
   * The current tunnel, registered or not yet. A retired one (replaced, or given up on for
   * silence) can linger in getWebSockets() while its close goes unanswered — a stopped agent, a
   * network that drops packets — and must not be pinged in place of the new one.
   */
  #liveSocket(closing?: WebSocket): WebSocket | undefined {
    return this.ctx.getWebSockets().find((socket) => socket !== closing && rawAttachment(socket)?.retired !== true);
  }

  #registeredSocket(): WebSocket | undefined {
    return this.ctx.getWebSockets().find((socket) => attachmentOf(socket) !== undefined);
  }

  /**
   * Sends a call and remembers which agent process it went to (see PendingCalls.reconcile). The
   * time left is sent as a budget, measured here on this clock, for the agent to time with its own.
   */
  #deliver(socket: WebSocket, frame: Extract<WorkerToAgent, { type: "call" }>): void {
    const attachment = attachmentOf(socket);
    const registration = this.#registration();
    if (attachment === undefined || registration === undefined) return;
    // What is left of the call's clock, which stood still while the agent was offline.
    const now = Date.now();
    const budget = Math.max(1, this.#pending.budget(frame.id, now));
    const budgeted = { ...frame, deadline: now + budget, timeout_ms: budget };
    if (this.#sendTo(socket, budgeted)) this.#pending.delivered(frame.id, attachment.instance, registeredKind(registration, frame.tool));
  }

  #sendTo(socket: WebSocket, frame: WorkerToAgent): boolean {
    try {
      socket.send(encodeFrame(frame));
      return true;
    } catch {
      // Closing already: a waiting call is re-sent when the agent registers again.
      return false;
    }
  }

  #close(socket: WebSocket, code: number, reason: string): void {
    try {
      socket.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  /**
   * Mirror last-seen (and what the agent registered) into Postgres, at most once a minute however
   * often pings are answered (kept in storage, so an evicted object does not write more often).
   */
  #seen(force = false, registration?: Registration): Promise<void> | undefined {
    const now = Date.now();
    if (!force && now - (this.ctx.storage.kv.get<number>("seen_written_at") ?? 0) < SEEN_WRITE_EVERY_MS) return undefined;
    void this.ctx.storage.put("seen_written_at", now, { allowUnconfirmed: true });
    const agentId = this.#agentId();
    if (agentId === undefined) return undefined;
    this.#database ??= openDatabase(getConfig(this.env));
    const write = recordAgentSeen(this.#database.db, agentId, registration && { roots: registration.roots, version: registration.version });
    const done = write.then(
      async (name) => {
        if (name !== undefined) await this.ctx.storage.put("label", name, { allowUnconfirmed: true });
      },
      (error: unknown) => this.#log.warn("agent.seen_write_failed", { agent_id: agentId, error }),
    );
    this.ctx.waitUntil(done);
    return done;
  }

  #agentId(): AgentId | undefined {
    const stored = this.ctx.storage.kv.get<string>("agent_id");
    return stored === undefined ? undefined : AgentIdSchema.parse(stored);
  }

  #bind(candidate: string | null): void {
    const agentId = AgentIdSchema.parse(candidate);
    if (!this.ctx.id.equals(this.env.AGENT.idFromName(agentId))) throw new Error("agent id does not match this object");
    this.ctx.storage.kv.put("agent_id", agentId);
  }
}
