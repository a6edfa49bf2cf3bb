/**
 * What a turn needs before its model call, kept warm between turns (issue 15): the session's row,
 * its credential decrypted (in memory only, never logged) and its tool list. A warm turn reads
 * nothing before its model call: every writer of what the cache holds tells this object after it
 * wrote (the session row is written only through it; credentials, tools, MCP servers and local
 * agents notify the sessions registered as warm, see warm-sessions.ts and input-notices.ts).
 *
 * When it is not warm — the first turn, after a notice, after TRUST_MS, or with Redis down — the
 * turn registers the session as warm first (an object woken from hibernation, or told of a change,
 * keeps the registration it made before while that still stands: a turn's end keeps it in the
 * object's storage), then checks with ONE query (the session row joined with its credential's
 * row, and a digest of the tables a tool list is made from) while the
 * agents the tools came from are asked whether they are still connected with the same
 * registration, and loads again whatever changed. A token about to expire is refreshed before
 * each model call all the same (credential-lease.ts). A remote MCP server's own list is trusted
 * as long as its Redis entry would be (mcp/tool-cache.ts), then read again.
 */
import { type AgentId, AgentIdSchema } from "@maestro/protocol";
import { eq, sql } from "drizzle-orm";
import { agentStatus } from "../agents/agent-port.ts";
import { type CredentialRow, type ResolvedCredential, openUsableRow, resolveCredential } from "../auth/credential-secret.ts";
import { refreshIfExpiring } from "../auth/refresh.ts";
import { recentAgentIds } from "../db/queries/agents.ts";
import { localAgents, mcpServers, savedAuthentications, sessions, tools } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import type { AvailableTool } from "../tools/executor.ts";
import { loadSessionTools } from "../tools/session-tools.ts";
import { isCredentialFailure } from "./failover.ts";
import { createRefreshDeps } from "./refresh-deps.ts";
import type { SessionRow } from "./turn-wiring.ts";
import type { TurnHost } from "./turns.ts";
import { TRUST_MS, registerWarm } from "./warm-sessions.ts";

/** As long as mcp/tool-cache.ts keeps a remote server's list. */
const TOOLS_MAX_AGE_MS = 5 * 60_000;
/** The agents an unbound session may use (agent-port.ts resolveSessionMachines looks at as many). */
const AGENT_CANDIDATES = 10;
/** After Redis failed to register this session, turns check the old way this long before trying it again. */
const REGISTER_RETRY_MS = 30_000;
/**
 * When the session last registered as warm, kept in the object's storage: an object woken from
 * hibernation (or told of a change) whose registration still stands need not make another one —
 * a Redis round trip before its model request — only read its inputs again. Written with the
 * turn's last writes (saveRegistration), never on its own before the model request: every write
 * holds the object's outgoing messages and requests until it is committed (a SQLite-backed object
 * ignores `allowUnconfirmed`).
 */
const REGISTERED_AT_KEY = "warm_registered_at";
/** A registration this close to its end is made again, so the trust it gives lasts a while. */
const REUSE_UNTIL_MS = TRUST_MS - 60_000;

/** What the turn is wired with (turn-wiring.ts): a credential failure is a value, for failover. */
export interface TurnInputs {
  readonly session: SessionRow;
  readonly credential: ResolvedCredential | AppError;
  readonly tools: AvailableTool[];
}

interface WarmTools {
  readonly stamp: string;
  readonly agentIds: readonly AgentId[];
  readonly agents: string;
  readonly loadedAt: number;
  readonly tools: AvailableTool[];
}

export class TurnCache {
  readonly #host: TurnHost;
  #session: SessionRow | undefined;
  #credential: { readonly key: string; readonly value: ResolvedCredential } | undefined;
  #tools: WarmTools | undefined;
  /** When the registration the warm inputs rest on was made; undefined: check before the next turn. */
  #trustedAt: number | undefined;
  /** Counts notices, so a load that a notice overtook is not trusted. */
  #epoch = 0;
  #registerAfter = 0;
  /** A check under way: a second caller (the turn, after its start began it) shares it. */
  #checking: Promise<TurnInputs | undefined> | undefined;
  /** A registration not yet in the object's storage. */
  #unsavedRegistration: number | undefined;

  constructor(host: TurnHost) {
    this.#host = host;
  }

  /** The row as last read or written by this object (every session write goes through it). */
  get session(): SessionRow | undefined {
    return this.#session;
  }

  /**
   * What the object last read of the session's inputs is still to be trusted: no notice since, and
   * registered for notices (input-notices.ts) within TRUST_MS. Without Redis, never.
   */
  get trusted(): boolean {
    return this.#trustedNow(Date.now());
  }

  /**
   * The object just wrote or read the row (configure, archive, a turn's start): this is it now.
   * Only a change of what the credential and tools are chosen by sends the next turn to check.
   */
  sessionChanged(row: SessionRow | undefined): void {
    const before = this.#session;
    this.#session = row;
    if (row === undefined || before === undefined || choiceOf(before) !== choiceOf(row)) this.inputsChanged();
  }

  /** Told by the credential notices (credential-notices.ts). */
  credentialChanged(): void {
    this.#credential = undefined;
    this.inputsChanged();
  }

  /** A credential, tool, MCP server or agent changed somewhere (input-notices.ts). */
  inputsChanged(): void {
    this.#epoch += 1;
    this.#trustedAt = undefined;
    // A check under way may have read what changed: whoever asks next checks again.
    this.#checking = undefined;
  }

  /**
   * The session row, its credential and its tools as they are now: no query when warm, one check
   * when not. A check already under way is shared, so a turn's start can begin it (a woken object
   * reads its history meanwhile) and the turn itself wait for the same one.
   */
  inputs(): Promise<TurnInputs | undefined> {
    const warmInputs = this.#warmInputs(Date.now());
    if (warmInputs !== undefined) return Promise.resolve(warmInputs);
    if (this.#checking !== undefined) return this.#checking;
    const checking = this.#check().finally(() => {
      if (this.#checking === checking) this.#checking = undefined;
    });
    this.#checking = checking;
    return checking;
  }

  async #check(): Promise<TurnInputs | undefined> {
    const epoch = this.#epoch;
    // Registered before anything is read: a writer that commits after this read sees the registration.
    const registeredAt = await this.#register();
    const warm = this.#tools;
    const [probed, agents] = await Promise.all([this.#probe(), warm === undefined ? undefined : agentStamp(this.#host, warm.agentIds)]);
    if (probed === undefined) return undefined;
    const { session, credentialRow, digest } = probed;
    this.#session = session;
    const [credential, toolList] = await Promise.all([
      this.#credentialFor(session, credentialRow).catch((error: unknown) => {
        if (isCredentialFailure(error)) return error;
        throw error;
      }),
      this.#toolsFor(session, digest, agents),
    ]);
    if (registeredAt !== undefined && this.#epoch === epoch && !(credential instanceof AppError)) this.#trustedAt = registeredAt;
    return { session, credential, tools: toolList };
  }

  /** Keeps the last registration in the object's storage (a turn's end calls it, beside its own writes). */
  saveRegistration(): void {
    if (this.#unsavedRegistration === undefined) return;
    this.#host.storage.put(REGISTERED_AT_KEY, this.#unsavedRegistration);
    this.#unsavedRegistration = undefined;
  }

  /** No notice since the last check, and it registered for notices within TRUST_MS. */
  #trustedNow(now: number): boolean {
    return this.#trustedAt !== undefined && now - this.#trustedAt < TRUST_MS;
  }

  /** What the last check found, while nothing has said otherwise and it is not too old to trust. */
  #warmInputs(now: number): TurnInputs | undefined {
    const [session, credential, tools] = [this.#session, this.#credential, this.#tools];
    if (!this.#trustedNow(now)) return undefined;
    if (session === undefined || credential === undefined || tools === undefined) return undefined;
    if (now - tools.loadedAt >= TOOLS_MAX_AGE_MS) return undefined;
    return { session, credential: credential.value, tools: tools.tools };
  }

  /** When this session was registered as warm; undefined if Redis failed (then every turn checks). */
  async #register(): Promise<number | undefined> {
    const now = Date.now();
    if (now < this.#registerAfter) return undefined;
    // Writers look WARM_FOR_MS back, longer than it is trusted: a registration this recent still stands.
    const standing = this.#host.storage.get<number>(REGISTERED_AT_KEY);
    if (standing !== undefined && standing <= now && now - standing < REUSE_UNTIL_MS) return standing;
    try {
      await registerWarm(this.#host.redis(), this.#host.sessionId, now);
      this.#unsavedRegistration = now;
      return now;
    } catch (error) {
      this.#registerAfter = now + REGISTER_RETRY_MS;
      this.#host.log.warn("turn_inputs.register_failed", { session_id: this.#host.sessionId, error });
      return undefined;
    }
  }

  async #probe(): Promise<{ session: SessionRow; credentialRow: CredentialRow | null; digest: string } | undefined> {
    const [found] = await this.#host
      .db()
      .select({
        session: sessions,
        credentialRow: savedAuthentications,
        // Every row of the three tables, as text: any write to them changes it (an agent's ping too,
        // which moves last_seen_at — that only costs a reload).
        digest: sql<string>`(select md5(coalesce(string_agg(t::text, ',' order by t.id), '')) from ${tools} t)
          || (select md5(coalesce(string_agg(m::text, ',' order by m.id), '')) from ${mcpServers} m)
          || (select md5(coalesce(string_agg(a::text, ',' order by a.id), '')) from ${localAgents} a)`,
      })
      .from(sessions)
      .leftJoin(savedAuthentications, eq(savedAuthentications.id, sessions.credentialId))
      .where(eq(sessions.id, this.#host.sessionId));
    return found;
  }

  async #credentialFor(session: SessionRow, row: CredentialRow | null): Promise<ResolvedCredential> {
    const { config } = this.#host;
    if (row !== null) {
      const { lastUsedAt: _used, updatedAt: _updated, ...identity } = row;
      const key = JSON.stringify(identity);
      if (this.#credential?.key === key) return this.#credential.value;
      const opened = await openUsableRow(config.keyRing, row, Date.now());
      if (opened !== undefined) {
        this.#credential = { key, value: opened };
        return opened;
      }
    }
    // None, unusable, or about to expire: the full path says why, or refreshes it first.
    this.#credential = undefined;
    const { bindings: env, log } = this.#host;
    const db = this.#host.db();
    const refreshDeps = createRefreshDeps({ env, config, db, redis: this.#host.redis(), log });
    return resolveCredential(db, config.keyRing, session.credentialId, {
      refresher: (id, withinMs) => refreshIfExpiring(refreshDeps, id, withinMs),
    });
  }

  async #toolsFor(session: SessionRow, digest: string, agents: string | undefined): Promise<AvailableTool[]> {
    const stamp = JSON.stringify([digest, session.enabledTools, session.enabledMcp, session.agentIds]);
    const warm = this.#tools;
    if (warm !== undefined && warm.stamp === stamp && warm.agents === agents && Date.now() - warm.loadedAt < TOOLS_MAX_AGE_MS)
      return warm.tools;
    this.#tools = undefined;
    const { bindings: env, config, log } = this.#host;
    const db = this.#host.db();
    const bound = session.agentIds.map((id) => AgentIdSchema.parse(id));
    const agentIds = bound.length > 0 ? bound : await recentAgentIds(db, AGENT_CANDIDATES);
    const loadedAt = Date.now();
    // The agents' state is read before the list, so a change while it loads shows at the next check.
    const before = await agentStamp(this.#host, agentIds);
    const list = await loadSessionTools(
      { env, db, redis: this.#host.redis(), keyRing: config.keyRing, fetch: globalThis.fetch.bind(globalThis), log },
      {
        enabledTools: session.enabledTools,
        enabledMcp: session.enabledMcp,
        agentIds: bound,
        ...(bound.length === 0 && { recentAgentIds: agentIds }),
      },
    );
    this.#tools = { stamp, agentIds, agents: before, loadedAt, tools: list };
    return list;
  }
}

/** What a session's credential and tools are chosen by. */
function choiceOf(row: SessionRow): string {
  return JSON.stringify([row.credentialId, row.enabledTools, row.enabledMcp, row.agentIds]);
}

/** Whether each agent is connected and what it registered: what its tools are made of. */
async function agentStamp(host: TurnHost, agentIds: readonly AgentId[]): Promise<string> {
  if (agentIds.length === 0) return "[]";
  const statuses = await Promise.all(agentIds.map((agentId) => agentStatus(host.bindings, agentId).catch(() => null)));
  return JSON.stringify(statuses);
}
