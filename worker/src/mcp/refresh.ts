/**
 * MCP logins refreshed by the Cron Trigger before they expire, like the provider credentials
 * (auth/refresh.ts): a turn should never be the one that finds a server's token dead. The SDK's
 * `auth()` does the refresh (discovery, the refresh grant, a rotated refresh token) and our
 * provider seals what it gets. One refresh per server at a time (a Redis lock); a refresh token
 * the server no longer accepts marks the server as needing a new sign-in, and nothing else.
 */
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
    const record = await getRemoteServer(deps.db, deps.keyRing, id).catch(() => undefined);
    const state = record?.oauthState as McpOAuthState | null | undefined;
    if (record === undefined || state?.tokens?.refresh_token === undefined || state.expiresAt === undefined) continue;
    if (state.expiresAt - deps.now() > REFRESH_BY_CRON_MS) continue;
    checked += 1;
    const lock = await tryLock(deps.redis, `lock:mcp-oauth-refresh:${id}`, LOCK_TTL_MS);
    if (lock === undefined) continue; // another isolate is refreshing it right now
    try {
      const provider = new StoredOAuthProvider(state, {
        save: (next) => saveMcpOAuthState(deps.db, deps.keyRing, id, { ...next }, false),
      });
      const result = await auth(provider, { serverUrl: record.url, fetchFn: deps.fetch });
      if (result === "AUTHORIZED") refreshed += 1;
      else {
        // The refresh did not take (the server erred), and the SDK fell back to a new login,
        // which nobody is here to do: try again at the next run.
        failed += 1;
        deps.log.warn("mcp.oauth_refresh_failed", { mcp_server_id: id, reason: "no new tokens" });
      }
    } catch (error) {
      failed += 1;
      if (error instanceof InvalidGrantError) {
        await markMcpNeedsLogin(deps.db, id);
        deps.log.warn("mcp.oauth_needs_login", { mcp_server_id: id });
      } else deps.log.warn("mcp.oauth_refresh_failed", { mcp_server_id: id, error });
    } finally {
      await lock.release().catch(() => undefined);
    }
  }
  return { checked, refreshed, failed };
}
