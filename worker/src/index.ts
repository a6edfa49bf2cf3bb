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
import { refreshDueMcpLogins } from "./mcp/refresh.ts";
import { noticeInputsChange } from "./session/input-notices.ts";
import { createRefreshDeps } from "./session/refresh-deps.ts";

export { SessionDO } from "./session/session-do.ts";
export { AgentDO } from "./agents/agent-do.ts";
export { SessionFeedDO } from "./feed/session-feed-do.ts";

const app = createApp();

/** Every 5 minutes: refresh each OAuth token (credentials and MCP logins) that expires within 10 (DESIGN §2). */
async function runCron(cron: string, env: Env): Promise<void> {
  const log = createLogger({ component: "cron", cron });
  const config = getConfig(env);
  const database = openDatabase(config);
  const redis = openRedis(config);
  // Two jobs, each on its own: a database hiccup in one must not skip the other's refreshes.
  const jobs = [
    ["cron.oauth_refresh", () => refreshDueCredentials(createRefreshDeps({ env, config, db: database.db, redis, log }))],
    [
      "cron.mcp_oauth_refresh",
      async () => {
        const done = await refreshDueMcpLogins({
          db: database.db,
          keyRing: config.keyRing,
          redis,
          fetch: globalThis.fetch.bind(globalThis),
          log,
          now: () => Date.now(),
        });
        // New tokens, or a login marked dead: the sessions holding the old state warm read it again.
        if (done.refreshed + done.failed > 0) await noticeInputsChange(env, log, "mcp_servers");
        return done;
      },
    ],
  ] as const;
  try {
    for (const [event, run] of jobs) {
      try {
        log.info(event, await run());
      } catch (error) {
        log.error("cron.failed", { job: event, error });
      }
    }
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
