/**
 * /approval-rules: standing answers to approval questions (issue 14 §7) — allow or deny a tool,
 * optionally only where its `command` or `path` matches, in one session or everywhere. Sessions
 * read them once per turn (session/rule-book.ts); a rule changed mid-turn counts from the next one.
 */
import { createRoute } from "@hono/zod-openapi";
import {
  ApprovalRuleListSchema,
  ApprovalRuleSchema,
  BUILTIN_TOOLS,
  type BuiltinToolName,
  CreateApprovalRuleBodySchema,
  DeletedSchema,
  type SessionId,
  SessionIdSchema,
  UpdateApprovalRuleBodySchema,
} from "@maestro/protocol";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import {
  createApprovalRule,
  deleteApprovalRule,
  getApprovalRule,
  listApprovalRules,
  updateApprovalRule,
} from "../db/queries/approval-rules.ts";
import { getSessionRow } from "../db/queries/sessions.ts";
import { AppError, notFound } from "../errors.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi.ts";

const IdParams = z.object({ id: z.uuid() });
const ListQuery = z.object({ session_id: SessionIdSchema.optional() });

/** A rule whose parameter a built-in tool does not have would never match: refused, with the reason. */
function checkMatch(tool: string, match: { param: string } | null | undefined): void {
  if (match == null || !(tool in BUILTIN_TOOLS)) return;
  const params = BUILTIN_TOOLS[tool as BuiltinToolName].params.shape;
  if (match.param in params) return;
  throw new AppError("INVALID_REQUEST", `${tool} has no "${match.param}" parameter, so this rule would never match.`, {
    fields: [{ field: "match.param", message: `${tool} takes ${Object.keys(params).join(", ")}` }],
  });
}

async function checkSession(db: Database, sessionId: SessionId | null | undefined): Promise<void> {
  if (sessionId == null || (await getSessionRow(db, sessionId)) !== undefined) return;
  throw new AppError("SESSION_NOT_FOUND", "No session with that id.", {
    fields: [{ field: "session_id", message: "no session with that id" }],
  });
}

export const approvalRules = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      summary: "List approval rules, oldest first (with session_id: the global ones and that session's)",
      request: { query: ListQuery },
      responses: { 200: jsonResponse(ApprovalRuleListSchema, "Rules"), ...errorResponses(400, 401) },
    }),
    async (c) => c.json({ data: await listApprovalRules(c.var.services.db, c.req.valid("query").session_id) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      summary: "Create an approval rule",
      request: { body: jsonBody(CreateApprovalRuleBodySchema) },
      responses: { 201: jsonResponse(ApprovalRuleSchema, "The new rule"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      checkMatch(body.tool, body.match);
      await checkSession(c.var.services.db, body.session_id);
      const rule = await createApprovalRule(c.var.services.db, body);
      c.var.log.info("approval_rule.created", { rule_id: rule.id, effect: rule.effect, tool: rule.tool });
      return c.json(rule, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      summary: "Read an approval rule",
      request: { params: IdParams },
      responses: { 200: jsonResponse(ApprovalRuleSchema, "The rule"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const rule = await getApprovalRule(c.var.services.db, c.req.valid("param").id);
      if (rule === undefined) throw notFound("APPROVAL_RULE_NOT_FOUND", "approval rule");
      return c.json(rule, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      summary: "Change an approval rule",
      request: { params: IdParams, body: jsonBody(UpdateApprovalRuleBodySchema) },
      responses: { 200: jsonResponse(ApprovalRuleSchema, "The updated rule"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { db } = c.var.services;
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      const current = await getApprovalRule(db, id);
      if (current === undefined) throw notFound("APPROVAL_RULE_NOT_FOUND", "approval rule");
      checkMatch(body.tool ?? current.tool, body.match === undefined ? current.match : body.match);
      await checkSession(db, body.session_id);
      const rule = await updateApprovalRule(db, id, body);
      if (rule === undefined) throw notFound("APPROVAL_RULE_NOT_FOUND", "approval rule");
      return c.json(rule, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      summary: "Delete an approval rule",
      request: { params: IdParams },
      responses: { 200: jsonResponse(DeletedSchema, "Deleted"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await deleteApprovalRule(c.var.services.db, id))) throw notFound("APPROVAL_RULE_NOT_FOUND", "approval rule");
      return c.json({ id, deleted: true as const }, 200);
    },
  );
