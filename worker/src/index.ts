/**
 * The Worker's entry: the API app, the Durable Object classes, and the Cron Trigger.
 * Everything else lives in the modules these point to.
 */
import { createApp } from "./app.ts";
import type { Env } from "./env.ts";
import { createLogger } from "./log.ts";

export { SessionDO } from "./session/session-do.ts";
export { AgentDO } from "./agents/agent-do.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, _env, _ctx) {
    // OAuth refresh (DESIGN §2) arrives with the credential lifecycle (issue 5). Until then the
    // trigger is wired and observable, and does nothing else.
    createLogger().info("cron.tick", { cron: controller.cron, scheduled_time: new Date(controller.scheduledTime).toISOString() });
  },
} satisfies ExportedHandler<Env>;
