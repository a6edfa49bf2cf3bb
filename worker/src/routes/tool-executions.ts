/** /sessions/:id/tool-executions: the audit trail of a session's tool calls (DESIGN §3). */
import { createRoute } from "@hono/zod-openapi";
import { SessionIdSchema, ToolExecutionListQuerySchema, ToolExecutionListSchema } from "@maestro/protocol";
import { z } from "zod";
import { getSession } from "../db/queries/sessions.ts";
import { listToolExecutions } from "../db/queries/tool-executions.ts";
import { notFound } from "../errors.ts";
import { createRouter, errorResponses, jsonResponse } from "./openapi.ts";

export const toolExecutions = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/{id}/tool-executions",
    summary: "Every tool call of a session, newest first: params, outcome, status, duration, where it ran",
    request: { params: z.object({ id: SessionIdSchema }), query: ToolExecutionListQuerySchema },
    responses: { 200: jsonResponse(ToolExecutionListSchema, "Tool executions"), ...errorResponses(400, 401, 404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    const { db } = c.var.services;
    if ((await getSession(db, id)) === undefined) throw notFound("SESSION_NOT_FOUND", "session");
    return c.json({ data: await listToolExecutions(db, id, c.req.valid("query").limit) }, 200);
  },
);
