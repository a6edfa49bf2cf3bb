/**
 * /mcp-servers: remote MCP servers (Streamable HTTP or SSE) whose tools the models may use, and
 * their tool lists as the model sees them (fresh from the server: this is the "test" button, and
 * what it finds replaces the turns' cached list).
 */
import { createRoute } from "@hono/zod-openapi";
import {
  CreateMcpServerBodySchema,
  DeletedSchema,
  McpServerToolListSchema,
  modelToolName,
  McpServerIdSchema,
  McpServerListSchema,
  McpServerSchema,
  UpdateMcpServerBodySchema,
} from "@maestro/protocol";
import { z } from "zod";
import { isUniqueViolation } from "../db/db-errors.ts";
import { createMcpServer, deleteMcpServer, getRemoteServer, listMcpServers, updateMcpServer } from "../db/queries/mcp-servers.ts";
import { AppError, notFound } from "../errors.ts";
import { McpUnavailableError, listServerTools } from "../mcp/client.ts";
import { callableServer } from "../mcp/servers.ts";
import { rememberServerTools } from "../mcp/tool-cache.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi.ts";

const IdParams = z.object({ id: McpServerIdSchema });

function nameTaken(error: unknown): AppError {
  if (!isUniqueViolation(error)) throw error;
  return new AppError("CONFLICT", "An MCP server with that name exists.", { fields: [{ field: "name", message: "already taken" }] });
}

export const mcpServers = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      summary: "Add a remote MCP server (headers are stored encrypted; only their names come back)",
      request: { body: jsonBody(CreateMcpServerBodySchema) },
      responses: { 201: jsonResponse(McpServerSchema, "The new server"), ...errorResponses(400, 401, 409) },
    }),
    async (c) => {
      const { db, config } = c.var.services;
      const server = await createMcpServer(db, config.keyRing, c.req.valid("json")).catch((error: unknown) => {
        throw nameTaken(error);
      });
      return c.json(server, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      summary: "List MCP servers",
      responses: { 200: jsonResponse(McpServerListSchema, "MCP servers by name"), ...errorResponses(401) },
    }),
    async (c) => c.json({ data: await listMcpServers(c.var.services.db) }, 200),
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      summary: "Change an MCP server",
      request: { params: IdParams, body: jsonBody(UpdateMcpServerBodySchema) },
      responses: { 200: jsonResponse(McpServerSchema, "The updated server"), ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { db, config } = c.var.services;
      const server = await updateMcpServer(db, config.keyRing, c.req.valid("param").id, c.req.valid("json")).catch((error: unknown) => {
        throw nameTaken(error);
      });
      if (server === undefined) throw notFound("MCP_SERVER_NOT_FOUND", "MCP server");
      return c.json(server, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      summary: "Remove an MCP server",
      request: { params: IdParams },
      responses: { 200: jsonResponse(DeletedSchema, "Deleted"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await deleteMcpServer(c.var.services.db, id))) throw notFound("MCP_SERVER_NOT_FOUND", "MCP server");
      return c.json({ id, deleted: true as const }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/tools",
      summary: "Connect to the server now and list its tools, named as the model sees them",
      request: { params: IdParams },
      responses: { 200: jsonResponse(McpServerToolListSchema, "The server's tools"), ...errorResponses(400, 401, 404, 502) },
    }),
    async (c) => {
      const { db, config, redis } = c.var.services;
      const record = await getRemoteServer(db, config.keyRing, c.req.valid("param").id);
      if (record === undefined) throw notFound("MCP_SERVER_NOT_FOUND", "MCP server");
      const server = callableServer(record, db, config.keyRing);
      const specs = await listServerTools(server, globalThis.fetch.bind(globalThis)).catch((error: unknown) => {
        const message = error instanceof McpUnavailableError ? error.message : `The MCP server "${server.name}" did not list its tools.`;
        throw new AppError("MCP_UNAVAILABLE", message, { cause: error });
      });
      // A server that works again is offered from the next turn, not after the cache forgets it.
      await rememberServerTools(redis, server, specs, c.var.log);
      const data = specs.map((spec) => ({
        name: modelToolName(server.name, spec.name),
        server_tool: spec.name,
        description: spec.description,
        kind: spec.kind,
        input_schema: spec.inputSchema,
      }));
      return c.json({ data }, 200);
    },
  );
