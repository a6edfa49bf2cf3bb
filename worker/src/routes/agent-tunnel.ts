/**
 * GET /agents/connect: where `maestro-agent` dials in. It authenticates with its own agent token
 * (not the API token), so this router is mounted before the API-token check. A wrong or revoked
 * token is refused before any Durable Object is touched.
 */
import { createRoute } from "@hono/zod-openapi";
import { AGENT_ID_HEADER } from "../agents/agent-do.ts";
import { agentStub } from "../agents/agent-port.ts";
import { bearerToken } from "../auth/api-token.ts";
import { findAgentByToken } from "../db/queries/agents.ts";
import { AppError } from "../errors.ts";
import { createRouter, errorResponses } from "./openapi.ts";

export const agentTunnel = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "The local-agent tunnel over WebSocket (Authorization: Bearer <agent token>; tunnel frames in @maestro/protocol)",
    security: [],
    responses: { 101: { description: "Switching to the tunnel" }, ...errorResponses(401, 426) },
  }),
  async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") throw new AppError("UPGRADE_REQUIRED", "This path only speaks WebSocket.");
    const token = bearerToken(c.req.header("authorization"));
    const agentId = token === undefined ? undefined : await findAgentByToken(c.var.services.db, token);
    if (agentId === undefined) throw new AppError("UNAUTHORIZED", "Missing, invalid or revoked agent token.");
    const forwarded = new Request(c.req.raw);
    forwarded.headers.set(AGENT_ID_HEADER, agentId);
    forwarded.headers.delete("authorization");
    c.var.log.info("agent.connecting", { agent_id: agentId });
    return agentStub(c.env, agentId).fetch(forwarded);
  },
);
