/**
 * The token refresher wired to the real world: this deployment's database, Redis and OAuth
 * endpoints, failures told to every session watching the credential, and every stored change to
 * the sessions that hold it warm (input-notices.ts). Used before provider calls (turns.ts) and by
 * the Cron Trigger (index.ts).
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { RefreshDeps } from "../auth/refresh.ts";
import type { Database } from "../db/client.ts";
import type { Config, Env } from "../env.ts";
import type { Logger } from "../log.ts";
import { noticeCredentialChange } from "./credential-notices.ts";
import { noticeInputsChange } from "./input-notices.ts";

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
    onFailure: async (credential) => {
      await Promise.all([noticeCredentialChange(world, credential), noticeInputsChange(world.env, world.log, "credential")]);
    },
    onRefreshed: () => noticeInputsChange(world.env, world.log, "credential"),
  };
}
