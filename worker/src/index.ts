/**
 * The Worker's entry: the API app, the Durable Object classes, and the Cron Trigger.
 * Everything else lives in the modules these point to.
 */
import { createApp } from "./app.ts";
import { refreshDueCredentials } from "./auth/refresh.ts";
import { openDatabase } from "./db/client.ts";
import { type Env, getConfig } from "./env.ts";
import { openRedis } from "./kv/redis.ts";
import { createLogger } from "./log.ts";
import { createRefreshDeps } from "./session/refresh-deps.ts";

export { SessionDO } from "./session/session-do.ts";
export { AgentDO } from "./agents/agent-do.ts";
export { SessionFeedDO } from "./feed/session-feed-do.ts";

const app = createApp();

/** Every 5 minutes: refresh each OAuth token that expires within 10 (DESIGN §2). */
async function runCron(cron: string, env: Env): Promise<void> {
  const log = createLogger({ component: "cron", cron });
  const config = getConfig(env);
  const database = openDatabase(config);
  try {
    const result = await refreshDueCredentials(createRefreshDeps({ env, config, db: database.db, redis: openRedis(config), log }));
    log.info("cron.oauth_refresh", result);
  } catch (error) {
    log.error("cron.failed", { error });
  } finally {
    await database.close().catch(() => undefined);
  }
}

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runCron(controller.cron, env));
  },
} satisfies ExportedHandler<Env>;
