/**
 * /agents: local agents. Creating one is the only time its token is shown; revoking one closes
 * its tunnel at once. `connected` is asked of each agent's Durable Object.
 */
import { createRoute } from "@hono/zod-openapi";
import {
  type AgentId,
  AgentIdSchema,
  AgentListSchema,
  AgentSchema,
  CreateAgentBodySchema,
  CreatedAgentSchema,
  DeletedSchema,
  UpdateAgentBodySchema,
} from "@maestro/protocol";
import { z } from "zod";
import { agentLive, agentStub } from "../agents/agent-port.ts";
import { agentNameTaken, createAgent, listAgents, renameAgent, revokeAgent } from "../db/queries/agents.ts";
import type { Database } from "../db/client.ts";
import { AppError, notFound } from "../errors.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi.ts";

const IdParams = z.object({ id: AgentIdSchema });

/** Sessions bind agents by name, so a name taken by another live agent (ignoring case) is refused. */
async function assertNameFree(db: Database, name: string, except?: AgentId): Promise<void> {
  if (await agentNameTaken(db, name, except))
    throw new AppError("CONFLICT", `A local agent is already named "${name}".`, {
      fields: [{ field: "name", message: "another agent has this name; sessions pick agents by name" }],
    });
}

export const agents = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      summary: "Create a local agent and its token (shown once; only a hash is kept)",
      request: { body: jsonBody(CreateAgentBodySchema) },
      responses: { 201: jsonResponse(CreatedAgentSchema, "The agent, with its one-time token"), ...errorResponses(400, 401, 409) },
    }),
    async (c) => {
      const { name } = c.req.valid("json");
      await assertNameFree(c.var.services.db, name);
      const agent = await createAgent(c.var.services.db, name);
      c.var.log.info("agent.created", { agent_id: agent.id });
      return c.json(agent, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      summary: "List local agents",
      responses: { 200: jsonResponse(AgentListSchema, "Agents, newest first"), ...errorResponses(401) },
    }),
    async (c) => {
      const data = await listAgents(c.var.services.db, (id) => agentLive(c.env, id));
      return c.json({ data }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      summary: "Rename a local agent",
      request: { params: IdParams, body: jsonBody(UpdateAgentBodySchema) },
      responses: { 200: jsonResponse(AgentSchema, "The renamed agent"), ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await assertNameFree(c.var.services.db, c.req.valid("json").name, id);
      const agent = await renameAgent(c.var.services.db, id, c.req.valid("json").name, await agentLive(c.env, id));
      if (agent === undefined) throw notFound("AGENT_NOT_FOUND", "local agent");
      return c.json(agent, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      summary: "Revoke a local agent's token",
      request: { params: IdParams },
      responses: { 200: jsonResponse(DeletedSchema, "Revoked"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await revokeAgent(c.var.services.db, id))) throw notFound("AGENT_NOT_FOUND", "local agent");
      await agentStub(c.env, id).revoke();
      c.var.log.info("agent.revoked", { agent_id: id });
      return c.json({ id, deleted: true as const }, 200);
    },
  );
