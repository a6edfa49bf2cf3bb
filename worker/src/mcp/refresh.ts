/**
 * MCP logins refreshed by the Cron Trigger before they expire, like the provider credentials
 * (auth/refresh.ts): a turn should never be the one that finds a server's token dead. The SDK's
 * `auth()` does the refresh (discovery, the refresh grant, a rotated refresh token) and our
 * provider seals what it gets. One refresh per server at a time (a Redis lock), deciding from
 * what is stored once the lock is held; a refresh token the server no longer accepts marks the
 * server as needing a new sign-in, and nothing else.
 */
import type { McpServerId } from "@maestro/protocol";
import { auth } from "@modelcontextprotocol/sdk/client/auth.js";
import { InvalidGrantError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import type { Redis } from "@upstash/redis/cloudflare";
import type { KeyRing } from "../auth/key-ring.ts";
import type { Database } from "../db/client.ts";
import { getRemoteServer, markMcpNeedsLogin, saveMcpOAuthState, signedInMcpServerIds } from "../db/queries/mcp-servers.ts";
import { tryLock } from "../kv/locks.ts";
import type { Logger } from "../log.ts";
import { type McpOAuthState, StoredOAuthProvider } from "./oauth-provider.ts";

/** The same horizon as the credentials' cron: anything expiring within ten minutes. */
const REFRESH_BY_CRON_MS = 10 * 60 * 1000;
const LOCK_TTL_MS = 30_000;

export interface McpRefreshDeps {
  readonly db: Database;
  readonly keyRing: KeyRing;
  readonly redis: Redis;
  readonly fetch: typeof fetch;
  readonly log: Logger;
  readonly now: () => number;
}

export async function refreshDueMcpLogins(deps: McpRefreshDeps): Promise<{ checked: number; refreshed: number; failed: number }> {
  let checked = 0;
  let refreshed = 0;
  let failed = 0;
  for (const id of await signedInMcpServerIds(deps.db)) {
    const seen = await readDue(deps, id);
    if (seen === undefined) continue;
    checked += 1;
    const lock = await tryLock(deps.redis, `lock:mcp-oauth-refresh:${id}`, LOCK_TTL_MS);
    if (lock === undefined) continue; // another isolate is refreshing it right now
    try {
      const outcome = await refreshHoldingLock(deps, id, seen.refreshToken);
      if (outcome === "refreshed") refreshed += 1;
      if (outcome === "failed") failed += 1;
    } finally {
      await lock.release().catch(() => undefined);
    }
  }
  return { checked, refreshed, failed };
}

interface DueLogin {
  readonly url: string;
  readonly state: McpOAuthState;
  readonly refreshToken: string;
}

/** The server's login if it has a refresh token and expires within the horizon. */
async function readDue(deps: McpRefreshDeps, id: McpServerId): Promise<DueLogin | undefined> {
  const record = await getRemoteServer(deps.db, deps.keyRing, id).catch(() => undefined);
  const state = record?.oauthState as McpOAuthState | null | undefined;
  const refreshToken = state?.tokens?.refresh_token;
  if (record === undefined || state == null || refreshToken === undefined || state.expiresAt === undefined) return undefined;
  if (state.expiresAt - deps.now() > REFRESH_BY_CRON_MS) return undefined;
  return { url: record.url, state, refreshToken };
}

async function refreshHoldingLock(
  deps: McpRefreshDeps,
  id: McpServerId,
  seenRefreshToken: string,
): Promise<"refreshed" | "skipped" | "failed"> {
  // Read again under the lock: the holder before us may have refreshed it since we looked, and
  // spending the refresh token we saw then would be spending a rotated-away one (invalid_grant:
  // a good login marked as needing a new sign-in).
  const current = await readDue(deps, id);
  if (current === undefined || current.refreshToken !== seenRefreshToken) return "skipped";
  try {
    const provider = new StoredOAuthProvider(current.state, {
      save: (next) => saveMcpOAuthState(deps.db, deps.keyRing, id, { ...next }, false),
    });
    if ((await auth(provider, { serverUrl: current.url, fetchFn: deps.fetch })) === "AUTHORIZED") return "refreshed";
    // The refresh did not take (the server erred), and the SDK fell back to a new login, which
    // nobody is here to do: try again at the next run.
    deps.log.warn("mcp.oauth_refresh_failed", { mcp_server_id: id, reason: "no new tokens" });
    return "failed";
  } catch (error) {
    if (error instanceof InvalidGrantError) {
      await markMcpNeedsLogin(deps.db, id);
      deps.log.warn("mcp.oauth_needs_login", { mcp_server_id: id });
    } else deps.log.warn("mcp.oauth_refresh_failed", { mcp_server_id: id, error });
    return "failed";
  }
}
