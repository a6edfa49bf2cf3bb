/**
 * Telling the sessions that keep a turn's inputs warm (warm-sessions.ts) that something a turn is
 * made of changed — a credential, a tool, an MCP server, a local agent — so their next turn reads
 * it again instead of trusting what it holds. Called by every writer AFTER its write is committed
 * (routes, the refresh cron and an in-turn refresh, AgentDO). A session that cannot be reached,
 * or a Redis that is down, is logged and skipped: the sessions then find the change when their
 * trust runs out (TRUST_MS) — and while Redis is down no session trusts anything, see turn-cache.ts.
 */
import { SessionIdSchema } from "@maestro/protocol";
import type { Env } from "../env.ts";
import { getConfig } from "../env.ts";
import { openRedis } from "../kv/redis.ts";
import type { Logger } from "../log.ts";
import { sessionStub } from "./stub.ts";
import { warmSessionIds } from "./warm-sessions.ts";

/** What changed, for the log: the session drops its trust whatever it was. */
export type InputsChange = "credential" | "tools" | "mcp_servers" | "agent";

export async function noticeInputsChange(env: Env, log: Logger, change: InputsChange): Promise<void> {
  let ids: string[];
  try {
    ids = await warmSessionIds(openRedis(getConfig(env)), Date.now());
  } catch (error) {
    log.warn("turn_inputs.notice_unsent", { change, error });
    return;
  }
  await Promise.all(
    ids.map(async (id) => {
      const sessionId = SessionIdSchema.safeParse(id);
      if (!sessionId.success) return;
      await sessionStub(env, sessionId.data)
        .turnInputsChanged(sessionId.data)
        .catch((error: unknown) => log.warn("turn_inputs.notice_failed", { session_id: id, change, error }));
    }),
  );
}
