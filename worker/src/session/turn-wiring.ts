/**
 * What one turn is wired to: the session's provider, its credential (refreshed before any model
 * call it would reach about to expire, see credential-lease.ts), the tools the session may use
 * today, and the approval desk — everything the agent loop needs from the world, gathered in one
 * place so turns.ts is only about the turn.
 */
import { AgentIdSchema } from "@maestro/protocol";
import { type ResolvedCredential, resolveCredential, touchCredential } from "../auth/credential-secret.ts";
import { refreshIfExpiring } from "../auth/refresh.ts";
import type { sessions } from "../db/schema.ts";
import { providerFor } from "../providers/registry.ts";
import { createToolCallers } from "../tools/callers.ts";
import { createToolRuntime } from "../tools/executor.ts";
import { loadSessionTools } from "../tools/session-tools.ts";
import type { TurnDeps } from "./agent-loop.ts";
import type { ApprovalDesk } from "./approvals.ts";
import { type CredentialForCall, credentialLease } from "./credential-lease.ts";
import { FailoverChain, isCredentialFailure } from "./failover.ts";
import { AppError } from "../errors.ts";
import { createRefreshDeps } from "./refresh-deps.ts";
import { DEFAULT_RETRY } from "./retry.ts";
import { createRuleBook } from "./rule-book.ts";
import { listApprovalRules } from "../db/queries/approval-rules.ts";
import type { TurnInputs } from "./turn-cache.ts";
import type { TurnHost } from "./turns.ts";

/** A turn's model calls and tool rounds, at most: a loop that never settles is stopped. */
const MAX_STEPS = 25;

export type SessionRow = typeof sessions.$inferSelect;

/** What a turn is wired to, and the context window its credential names (an OpenAI-compatible server's). */
export interface WiredTurn {
  readonly deps: TurnDeps;
  readonly credentialContextWindow: number | null;
}

/**
 * Wires a turn with what turn-cache.ts found (the hot path, issue 15: nothing is read here), or —
 * without it (a compaction between turns) — with what it reads now.
 */
export async function wireTurn(host: TurnHost, session: SessionRow, approvals: ApprovalDesk, inputs?: TurnInputs): Promise<WiredTurn> {
  const db = host.db();
  const { bindings: env, config, log } = host;
  const globalFetch = globalThis.fetch.bind(globalThis);
  const refreshDeps = createRefreshDeps({ env, config, db, redis: host.redis(), log });
  const resolverFor = (credentialId: string | null) => () =>
    resolveCredential(db, config.keyRing, credentialId, {
      refresher: (id, withinMs) => refreshIfExpiring(refreshDeps, id, withinMs),
    });
  const resolve = resolverFor(session.credentialId);
  const failover =
    session.fallbacks.length === 0
      ? undefined
      : new FailoverChain(session.fallbacks, (fallback) => ({
          providerId: fallback.provider,
          provider: providerFor(fallback.provider),
          model: fallback.model,
          credentialId: fallback.credential_id ?? session.credentialId,
          credentialForCall: lazyLease(resolverFor(fallback.credential_id ?? session.credentialId)),
        }));
  const { credential, tools } = inputs ?? (await readInputs(host, session, resolve));
  // A missing or signed-out credential fails the turn before anything runs — unless the session
  // has fallbacks: then the turn's first call fails over past it.
  if (credential instanceof AppError && failover === undefined) throw credential;
  const deps: TurnDeps = {
    provider: providerFor(session.provider),
    providerId: session.provider,
    credentialForCall:
      credential instanceof AppError ? () => Promise.reject(credential) : credentialLease(credential, resolve, () => Date.now()),
    credentialId: session.credentialId,
    ...(failover !== undefined && { failover }),
    fetch: globalFetch,
    sessionKey: host.sessionId,
    tools: createToolRuntime({
      tools,
      callers: createToolCallers(env, globalFetch, { mode: session.agentOffline, graceMs: session.agentOfflineGraceMs }),
      cwd: session.workingDirectory,
      now: () => Date.now(),
    }),
    approvals,
    approvalMode: session.approvalMode,
    rules: createRuleBook(
      () => listApprovalRules(db, host.sessionId),
      session.workingDirectory,
      (error) => log.error("approval_rules.load_failed", { session_id: host.sessionId, error }),
    ),
    retry: DEFAULT_RETRY,
    maxSteps: MAX_STEPS,
    now: () => Date.now(),
    timeouts: config.streamTimeouts,
  };
  return { deps, credentialContextWindow: credential instanceof AppError ? null : (credential.contextWindow ?? null) };
}

/** Today's credential and tools, read now (a credential failure is a value, for failover). */
async function readInputs(host: TurnHost, session: SessionRow, resolve: () => Promise<ResolvedCredential>): Promise<TurnInputs> {
  const { bindings: env, config, log } = host;
  const db = host.db();
  const [credential, tools] = await Promise.all([
    resolve().catch((error: unknown) => {
      if (isCredentialFailure(error)) return error;
      throw error;
    }),
    loadSessionTools(
      { env, db, redis: host.redis(), keyRing: config.keyRing, fetch: globalThis.fetch.bind(globalThis), log },
      {
        enabledTools: session.enabledTools,
        enabledMcp: session.enabledMcp,
        agentIds: session.agentIds.map((id) => AgentIdSchema.parse(id)),
      },
    ),
  ]);
  if (!(credential instanceof AppError)) void touchCredential(db, credential.id).catch(() => undefined);
  return { session, credential, tools };
}

/** A fallback's credential is resolved when the turn first reaches it, then leased like the session's. */
function lazyLease(resolve: () => Promise<ResolvedCredential>): CredentialForCall {
  let lease: CredentialForCall | undefined;
  return async () => {
    lease ??= credentialLease(await resolve(), resolve, () => Date.now());
    return lease();
  };
}
