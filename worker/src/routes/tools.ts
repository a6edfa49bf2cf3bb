/**
 * /tools: the tool registry. Built-in tools are always listed and can be disabled or have their
 * approval changed, but their definition follows the code and they cannot be deleted.
 */
import { createRoute } from "@hono/zod-openapi";
import { CreateToolBodySchema, DeletedSchema, ToolIdSchema, ToolListSchema, ToolSchema, UpdateToolBodySchema } from "@maestro/protocol";
import { z } from "zod";
import { isUniqueViolation } from "../db/db-errors.ts";
import { createTool, deleteTool, getTool, listTools, syncBuiltinTools, updateTool } from "../db/queries/tools.ts";
import { AppError, notFound } from "../errors.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi.ts";

const IdParams = z.object({ id: ToolIdSchema });

export const tools = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      summary: "List tools, built-ins first",
      responses: { 200: jsonResponse(ToolListSchema, "Tools"), ...errorResponses(401) },
    }),
    async (c) => c.json({ data: await listTools(c.var.services.db) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      summary: "Register a tool definition",
      request: { body: jsonBody(CreateToolBodySchema) },
      responses: { 201: jsonResponse(ToolSchema, "The new tool"), ...errorResponses(400, 401, 409) },
    }),
    async (c) => {
      const { db } = c.var.services;
      await syncBuiltinTools(db); // so a custom tool cannot take a built-in's name
      try {
        return c.json(await createTool(db, c.req.valid("json")), 201);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new AppError("CONFLICT", "A tool with that name exists.", { fields: [{ field: "name", message: "already taken" }] });
      }
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      summary: "Enable or disable a tool, or change when it needs approval",
      request: { params: IdParams, body: jsonBody(UpdateToolBodySchema) },
      responses: { 200: jsonResponse(ToolSchema, "The updated tool"), ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { db } = c.var.services;
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      const existing = await getTool(db, id);
      if (existing === undefined) throw notFound("TOOL_NOT_FOUND", "tool");
      if (existing.builtin && body.description !== undefined) {
        throw new AppError("TOOL_BUILTIN", "A built-in tool's description follows the code; only is_enabled and approval can change.", {
          fields: [{ field: "description", message: "read-only for built-in tools" }],
        });
      }
      const tool = await updateTool(db, id, body);
      if (tool === undefined) throw notFound("TOOL_NOT_FOUND", "tool");
      return c.json(tool, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      summary: "Delete a tool definition (built-ins can only be disabled)",
      request: { params: IdParams },
      responses: { 200: jsonResponse(DeletedSchema, "Deleted"), ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { db } = c.var.services;
      const { id } = c.req.valid("param");
      const existing = await getTool(db, id);
      if (existing === undefined) throw notFound("TOOL_NOT_FOUND", "tool");
      if (existing.builtin) throw new AppError("TOOL_BUILTIN", "Built-in tools cannot be deleted; disable them instead.");
      await deleteTool(db, id);
      return c.json({ id, deleted: true as const }, 200);
    },
  );
