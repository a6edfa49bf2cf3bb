/** /templates: named starting configurations for sessions. */
import { createRoute } from "@hono/zod-openapi";
import {
  CreateTemplateBodySchema,
  DeletedSchema,
  TemplateIdSchema,
  TemplateListSchema,
  TemplateSchema,
  UpdateTemplateBodySchema,
} from "@maestro/protocol";
import { z } from "zod";
import { credentialExists } from "../db/queries/credentials.ts";
import { resolveAgentNames } from "../session/session-config.ts";
import { createTemplate, deleteTemplate, getTemplate, listTemplates, updateTemplate } from "../db/queries/templates.ts";
import type { Database } from "../db/client.ts";
import { AppError, notFound } from "../errors.ts";
import { checkFallbacks } from "../session/fallbacks.ts";
import { checkToolNames } from "../session/tool-names.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi.ts";

const IdParams = z.object({ id: TemplateIdSchema });

async function checkCredential(db: Database, credentialId: string | null | undefined): Promise<void> {
  if (credentialId == null || (await credentialExists(db, credentialId))) return;
  throw new AppError("CREDENTIAL_NOT_FOUND", "No credential with that id.", {
    fields: [{ field: "credential_id", message: "no credential with that id" }],
  });
}

export const templates = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      summary: "Create a template",
      request: { body: jsonBody(CreateTemplateBodySchema) },
      responses: { 201: jsonResponse(TemplateSchema, "The new template"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      await checkCredential(c.var.services.db, body.credential_id);
      await checkFallbacks(c.var.services.db, body.fallbacks ?? [], body.credential_id ?? null);
      await checkToolNames(c.var.services.db, body.enabled_tools);
      const agentIds = await resolveAgentNames(c.var.services.db, body.agents ?? []);
      return c.json(await createTemplate(c.var.services.db, body, agentIds), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      summary: "List templates",
      responses: { 200: jsonResponse(TemplateListSchema, "Templates, most recently changed first"), ...errorResponses(401) },
    }),
    async (c) => c.json({ data: await listTemplates(c.var.services.db) }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      summary: "Read a template",
      request: { params: IdParams },
      responses: { 200: jsonResponse(TemplateSchema, "The template"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const template = await getTemplate(c.var.services.db, c.req.valid("param").id);
      if (template === undefined) throw notFound("TEMPLATE_NOT_FOUND", "template");
      return c.json(template, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      summary: "Change a template (sessions already made from it keep their settings)",
      request: { params: IdParams, body: jsonBody(UpdateTemplateBodySchema) },
      responses: { 200: jsonResponse(TemplateSchema, "The updated template"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      await checkCredential(c.var.services.db, body.credential_id);
      if (body.fallbacks !== undefined) {
        const current = await getTemplate(c.var.services.db, c.req.valid("param").id);
        if (current === undefined) throw notFound("TEMPLATE_NOT_FOUND", "template");
        const credentialId = body.credential_id !== undefined ? body.credential_id : current.credential_id;
        await checkFallbacks(c.var.services.db, body.fallbacks, credentialId);
      }
      await checkToolNames(c.var.services.db, body.enabled_tools);
      const agentIds = body.agents === undefined ? undefined : await resolveAgentNames(c.var.services.db, body.agents);
      const template = await updateTemplate(c.var.services.db, c.req.valid("param").id, body, agentIds);
      if (template === undefined) throw notFound("TEMPLATE_NOT_FOUND", "template");
      return c.json(template, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      summary: "Delete a template",
      request: { params: IdParams },
      responses: { 200: jsonResponse(DeletedSchema, "Deleted"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await deleteTemplate(c.var.services.db, id))) throw notFound("TEMPLATE_NOT_FOUND", "template");
      return c.json({ id, deleted: true as const }, 200);
    },
  );
