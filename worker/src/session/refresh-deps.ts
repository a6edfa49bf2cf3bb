/**
 * The token refresher wired to the real world: this deployment's database, Redis and OAuth
 * endpoints, and failures told to every session watching the credential. Used before provider
 * calls (turns.ts) and by the Cron Trigger (index.ts).
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { RefreshDeps } from "../auth/refresh.ts";
import type { Database } from "../db/client.ts";
import type { Config, Env } from "../env.ts";
import type { Logger } from "../log.ts";
import { noticeCredentialChange } from "./credential-notices.ts";

export function createRefreshDeps(world: { env: Env; config: Config; db: Database; redis: Redis; log: Logger }): RefreshDeps {
  return {
    db: world.db,
    redis: world.redis,
    keyRing: world.config.keyRing,
    codexIssuer: world.config.codexIssuer,
    oauthTimeoutMs: world.config.oauthTimeoutMs,
    fetch: globalThis.fetch.bind(globalThis),
    now: () => Date.now(),
    log: world.log,
    onFailure: (credential) => noticeCredentialChange(world, credential),
  };
}
