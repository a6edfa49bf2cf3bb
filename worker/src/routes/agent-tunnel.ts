/**
 * GET /agents/connect: where `maestro-agent` dials in. It authenticates with its own agent token
 * (not the API token), so this router is mounted before the API-token check, behind its own
 * guard: a wrong or revoked token is refused before any Durable Object is touched, and counts as
 * a failed sign-in for the client's address (app.ts), as a wrong API token does elsewhere. The
 * agent gives up on a 401, so a revoked agent left running does not spend its user's budget.
 */
import type { Context } from "hono";
import { createRoute } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { AGENT_ID_HEADER } from "../agents/agent-do.ts";
import { agentStub } from "../agents/agent-port.ts";
import { bearerToken } from "../auth/api-token.ts";
import { findAgentByToken } from "../db/queries/agents.ts";
import { AppError } from "../errors.ts";
import type { AppEnv } from "../middleware/services.ts";
import { createRouter, errorResponses } from "./openapi.ts";

/** Whether the request offers an agent token, right or wrong (only those are guesses). */
export const presentsAgentToken = (c: Context<AppEnv>): boolean => c.req.header("authorization") !== undefined;

/** A socket upgrade with a live agent token; names the agent for the route. */
export const requireAgentToken = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new AppError("UPGRADE_REQUIRED", "This path only speaks WebSocket.");
  const token = bearerToken(c.req.header("authorization"));
  const agentId = token === undefined ? undefined : await findAgentByToken(c.var.services.db, token);
  if (agentId === undefined) throw new AppError("UNAUTHORIZED", "Missing, invalid or revoked agent token.");
  c.set("agentId", agentId);
  return next();
});

export const agentTunnel = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "The local-agent tunnel over WebSocket (Authorization: Bearer <agent token>; tunnel frames in @maestro/protocol)",
    security: [],
    responses: { 101: { description: "Switching to the tunnel" }, ...errorResponses(401, 426) },
  }),
  (c) => {
    const agentId = c.var.agentId;
    // requireAgentToken runs first on this path (app.ts); without it nothing here is trusted.
    if (agentId === undefined) throw new AppError("UNAUTHORIZED", "Missing, invalid or revoked agent token.");
    const forwarded = new Request(c.req.raw);
    forwarded.headers.set(AGENT_ID_HEADER, agentId);
    forwarded.headers.delete("authorization");
    c.var.log.info("agent.connecting", { agent_id: agentId });
    return agentStub(c.env, agentId).fetch(forwarded);
  },
);
