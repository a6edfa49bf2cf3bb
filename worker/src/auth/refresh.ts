/**
 * Keeping OAuth tokens fresh without the user noticing (DESIGN §2, §3). Before a provider call a
 * token that expires within 5 minutes is refreshed first; the Cron Trigger refreshes every token
 * that expires within 10. One refresh per credential at a time, everywhere: callers in this
 * isolate share one promise, and across isolates a Redis lock lets one refresh while the others
 * wait for its result and reuse it. A rotated refresh token is stored; a failure is recorded on
 * the credential, and `invalid_grant` marks it as needing a new login.
 */
import type { Credential } from "@maestro/protocol";
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../db/client.ts";
import {
  oauthCredentialsExpiringBefore,
  openOAuthSecret,
  readOAuthRow,
  recordRefreshFailure,
  storeRefreshedTokens,
} from "../db/queries/oauth-credentials.ts";
import { tryLock } from "../kv/locks.ts";
import type { Logger } from "../log.ts";
import type { KeyRing } from "./key-ring.ts";
import { type OAuthEndpoints, refreshableFlows } from "./oauth/flows.ts";
import type { TokenFailure } from "./oauth/token-endpoint.ts";

export const REFRESH_BEFORE_CALL_MS = 5 * 60 * 1000;
export const REFRESH_BY_CRON_MS = 10 * 60 * 1000;
const LOCK_TTL_MS = 60_000;
const WAIT_STEP_MS = 100;
const WAIT_LIMIT_MS = 45_000;

export interface RefreshDeps extends OAuthEndpoints {
  readonly db: Database;
  readonly redis: Redis;
  readonly keyRing: KeyRing;
  readonly log: Logger;
  /** Told when a refresh fails, with the credential as it now reads (for the clients watching). */
  readonly onFailure?: (credential: Credential) => Promise<void>;
  /** Told once new tokens are stored (for the sessions that hold the old ones warm). */
  readonly onRefreshed?: (credentialId: string) => Promise<void>;
}

export type RefreshOutcome =
  | { readonly status: "fresh" | "refreshed" }
  | { readonly status: "needs_login" }
  | { readonly status: "failed"; readonly failure: TokenFailure };

/** One refresh at a time per credential in this isolate; the Redis lock covers the others. */
const inFlight = new Map<string, Promise<RefreshOutcome>>();

/** Refreshes the credential if it expires within `withinMs`; concurrent callers share the result. */
export function refreshIfExpiring(deps: RefreshDeps, credentialId: string, withinMs: number): Promise<RefreshOutcome> {
  const running = inFlight.get(credentialId);
  if (running !== undefined) return running;
  const started = refreshWithLock(deps, credentialId, withinMs).finally(() => inFlight.delete(credentialId));
  inFlight.set(credentialId, started);
  return started;
}

/** The Cron Trigger's pass: every enabled OAuth credential that expires within 10 minutes. */
export async function refreshDueCredentials(deps: RefreshDeps): Promise<{ checked: number; refreshed: number; failed: number }> {
  const due = await oauthCredentialsExpiringBefore(deps.db, new Date(deps.now() + REFRESH_BY_CRON_MS));
  let refreshed = 0;
  let failed = 0;
  for (const id of due) {
    const outcome = await refreshIfExpiring(deps, id, REFRESH_BY_CRON_MS).catch((error: unknown) => {
      deps.log.error("oauth.refresh_crashed", { credential_id: id, error });
      return { status: "failed" } as const;
    });
    if (outcome.status === "refreshed") refreshed += 1;
    if (outcome.status === "failed" || outcome.status === "needs_login") failed += 1;
  }
  return { checked: due.length, refreshed, failed };
}

/** Without the in-isolate sharing: what another isolate does (exported for the lock's test). */
export async function refreshWithLock(deps: RefreshDeps, credentialId: string, withinMs: number): Promise<RefreshOutcome> {
  const giveUpAt = deps.now() + WAIT_LIMIT_MS;
  for (;;) {
    const row = await readOAuthRow(deps.db, credentialId);
    if (row === undefined) return { status: "fresh" };
    if (row.needsReauth) return { status: "needs_login" };
    if (row.expiresAt !== null && row.expiresAt.getTime() - deps.now() > withinMs) return { status: "fresh" };
    const lock = await tryLock(deps.redis, `lock:oauth-refresh:${credentialId}`, LOCK_TTL_MS);
    if (lock !== undefined) {
      try {
        return await refreshHoldingLock(deps, credentialId, withinMs);
      } finally {
        await lock.release().catch((error: unknown) => deps.log.warn("oauth.unlock_failed", { credential_id: credentialId, error }));
      }
    }
    // Someone else is refreshing it: wait for their result rather than spend the refresh token twice.
    if (deps.now() > giveUpAt) {
      return { status: "failed", failure: { kind: "timeout", message: "Another refresh of this login did not finish in time." } };
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
}

async function refreshHoldingLock(deps: RefreshDeps, credentialId: string, withinMs: number): Promise<RefreshOutcome> {
  // Read again under the lock: the holder before us may have just refreshed it.
  const row = await readOAuthRow(deps.db, credentialId);
  if (row === undefined) return { status: "fresh" };
  if (row.needsReauth) return { status: "needs_login" };
  if (row.expiresAt !== null && row.expiresAt.getTime() - deps.now() > withinMs) return { status: "fresh" };
  const flow = refreshableFlows[row.provider];
  const secret = await openOAuthSecret(deps.keyRing, row);
  if (flow === undefined || secret?.refresh_token == null) {
    return fail(deps, credentialId, { kind: "invalid_grant", message: "This login cannot be refreshed; sign in again." });
  }
  const result = await flow.refresh(deps, secret.refresh_token);
  if (!result.ok) return fail(deps, credentialId, result.failure);
  const { tokens } = result;
  await storeRefreshedTokens(
    deps.db,
    deps.keyRing,
    credentialId,
    {
      access_token: tokens.accessToken,
      // Rotated when the server sends a new one; otherwise the old one stays valid.
      refresh_token: tokens.refreshToken ?? secret.refresh_token,
      id_token: tokens.idToken ?? secret.id_token,
      account_id: flow.accountId(tokens.idToken) ?? secret.account_id,
    },
    tokens.expiresAt,
  );
  deps.log.info("oauth.refreshed", {
    credential_id: credentialId,
    provider: row.provider,
    rotated: tokens.refreshToken !== null && tokens.refreshToken !== secret.refresh_token,
    expires_at: tokens.expiresAt?.toISOString() ?? null,
  });
  await deps.onRefreshed?.(credentialId).catch(() => undefined);
  return { status: "refreshed" };
}

async function fail(deps: RefreshDeps, credentialId: string, failure: TokenFailure): Promise<RefreshOutcome> {
  const needsLogin = failure.kind === "invalid_grant";
  const credential = await recordRefreshFailure(deps.db, credentialId, failure.message, needsLogin);
  deps.log.warn("oauth.refresh_failed", { credential_id: credentialId, kind: failure.kind, message: failure.message });
  if (credential !== undefined) await deps.onFailure?.(credential).catch(() => undefined);
  return needsLogin ? { status: "needs_login" } : { status: "failed", failure };
}
