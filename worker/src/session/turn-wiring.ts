/**
 * What one turn is wired to: the session's provider, its credential (refreshed before any model
 * call it would reach about to expire, see credential-lease.ts), the tools the session may use
 * today, and the approval desk — everything the agent loop needs from the world, gathered in one
 * place so turns.ts is only about the turn.
 */
import { AgentIdSchema } from "@maestro/protocol";
import { resolveCredential, touchCredential } from "../auth/credential-secret.ts";
import { refreshIfExpiring } from "../auth/refresh.ts";
import type { sessions } from "../db/schema.ts";
import { providerFor } from "../providers/registry.ts";
import { createToolCallers } from "../tools/callers.ts";
import { createToolRuntime } from "../tools/executor.ts";
import { loadSessionTools } from "../tools/session-tools.ts";
import type { TurnDeps } from "./agent-loop.ts";
import type { ApprovalDesk } from "./approvals.ts";
import { credentialLease } from "./credential-lease.ts";
import { createRefreshDeps } from "./refresh-deps.ts";
import { DEFAULT_RETRY } from "./retry.ts";
import type { TurnHost } from "./turns.ts";

/** A turn's model calls and tool rounds, at most: a loop that never settles is stopped. */
const MAX_STEPS = 25;

export type SessionRow = typeof sessions.$inferSelect;

/** What a turn is wired to, and the context window its credential names (an OpenAI-compatible server's). */
export interface WiredTurn {
  readonly deps: TurnDeps;
  readonly credentialContextWindow: number | null;
}

export async function wireTurn(host: TurnHost, session: SessionRow, approvals: ApprovalDesk): Promise<WiredTurn> {
  const db = host.db();
  const redis = host.redis();
  const { bindings: env, config, log } = host;
  const globalFetch = globalThis.fetch.bind(globalThis);
  const refreshDeps = createRefreshDeps({ env, config, db, redis, log });
  const resolve = () =>
    resolveCredential(db, config.keyRing, session.credentialId, {
      refresher: (credentialId, withinMs) => refreshIfExpiring(refreshDeps, credentialId, withinMs),
    });
  // Resolved up front, so a missing or signed-out credential fails the turn before anything runs.
  const [credential, tools] = await Promise.all([
    resolve(),
    loadSessionTools(
      { env, db, redis, keyRing: config.keyRing, fetch: globalFetch, log },
      {
        enabledTools: session.enabledTools,
        enabledMcp: session.enabledMcp,
        agentId: session.agentId === null ? null : AgentIdSchema.parse(session.agentId),
      },
    ),
  ]);
  void touchCredential(db, credential.id).catch(() => undefined);
  const deps: TurnDeps = {
    provider: providerFor(session.provider),
    providerId: session.provider,
    credentialForCall: credentialLease(credential, resolve, () => Date.now()),
    fetch: globalFetch,
    sessionKey: host.sessionId,
    tools: createToolRuntime({ tools, callers: createToolCallers(env, globalFetch), cwd: session.workingDirectory, now: () => Date.now() }),
    approvals,
    approvalMode: session.approvalMode,
    retry: DEFAULT_RETRY,
    maxSteps: MAX_STEPS,
    now: () => Date.now(),
    timeouts: config.streamTimeouts,
  };
  return { deps, credentialContextWindow: credential.contextWindow ?? null };
}
