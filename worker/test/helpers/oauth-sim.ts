// The OAuth simulator from a test: steer it, read what it saw, and sign in to Codex through it
// the way a user would (start, sign in at the authorize URL, paste the redirect URL back).
import type { Credential } from "@maestro/protocol";
import { env } from "cloudflare:test";
import { expect, inject } from "vitest";
import { type RefreshDeps, type RefreshOutcome, refreshWithLock } from "../../src/auth/refresh.ts";
import type { Database } from "../../src/db/client.ts";
import { type OAuthSecret, openOAuthSecret, readOAuthRow } from "../../src/db/queries/oauth-credentials.ts";
import { getConfig } from "../../src/env.ts";
import { openRedis } from "../../src/kv/redis.ts";
import { createLogger } from "../../src/log.ts";
import { api, client } from "./api.ts";
import { withDb } from "./db.ts";

export interface SimStats {
  counts: Record<string, number>;
  requests: { grant: string; headers: [string, string][]; raw: string; account?: string }[];
}

export async function sim(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${inject("oauthIssuer")}${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
  return response.json();
}

export const stats = async () => (await sim("/__oauth/stats")) as SimStats;
export const setMode = (mode: Record<string, unknown>) => sim("/__oauth/mode", mode);
export const refreshCount = async () => (await stats()).counts.refresh_token ?? 0;
/** Refresh requests that presented this account's refresh token (whoever else refreshed meanwhile). */
export const refreshesFor = async (accountId: string) =>
  (await stats()).requests.filter((request) => request.grant === "refresh_token" && request.account === accountId);

/** What a user does: start, sign in at the authorize URL, paste the redirect URL back. */
export async function loginCodex(accountId: string, options: { expiresIn?: number; credentialId?: string } = {}): Promise<Credential> {
  await setMode({ expiresIn: options.expiresIn ?? 3600 });
  const started = await api("/oauth/codex/start", {
    method: "POST",
    body: JSON.stringify({
      label: `codex ${accountId}`,
      ...(options.credentialId !== undefined && { credential_id: options.credentialId }),
    }),
  });
  const { authorize_url: authorizeUrl, state } = await started.json<{ authorize_url: string; state: string }>();
  const signedIn = await fetch(`${authorizeUrl}&login_hint=${accountId}`, { redirect: "manual" });
  const pasted = signedIn.headers.get("location") ?? "";
  const finished = await api("/oauth/codex/finish", { method: "POST", body: JSON.stringify({ state, code: pasted }) });
  // 201 for a new credential; 200 when an existing one signs in again.
  expect(finished.status).toBe(options.credentialId === undefined ? 201 : 200);
  const credential = await finished.json<Credential>();
  // Point it at the provider simulator's Codex endpoint instead of chatgpt.com.
  await client().credentials.update(credential.id, { base_url: `${inject("simulatorUrl")}/backend-api/codex` });
  await setMode({});
  return credential;
}

export const credentialNow = async (id: string) => (await client().credentials.list()).data.find((each) => each.id === id);

/** The refresher's dependencies as the Worker wires them, on this test run's database and Redis. */
export function testRefreshDeps(db: Database, name: string): RefreshDeps {
  const config = getConfig(env);
  return {
    db,
    redis: openRedis(config),
    keyRing: config.keyRing,
    codexIssuer: config.codexIssuer,
    oauthTimeoutMs: config.oauthTimeoutMs,
    fetch: globalThis.fetch.bind(globalThis),
    now: () => Date.now(),
    log: createLogger({ test: name }),
  };
}

/** Refresh a credential now, whatever its expiry, the way the Worker does (lock, store, rotate). */
export async function refreshNow(id: string): Promise<RefreshOutcome> {
  return withDb((db) =>
    refreshWithLock(
      testRefreshDeps(db, "refresh-now"),
      id,
      // Anything expiring within a day counts as due: every token the simulator issues.
      24 * 60 * 60 * 1000,
    ),
  );
}

/** The tokens as stored (decrypted), for checks the API rightly cannot make. */
export async function storedTokens(id: string): Promise<OAuthSecret | undefined> {
  return withDb(async (db) => {
    const row = await readOAuthRow(db, id);
    return row === undefined ? undefined : openOAuthSecret(getConfig(env).keyRing, row);
  });
}
