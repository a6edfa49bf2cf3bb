/**
 * Export and import of whole sessions: `GET /sessions/:id/export?format=md|json` (a download) and
 * `POST /sessions/import` (a JSON export or an OpenAI-style messages list; up to 16 MiB — app.ts
 * gives this route its own body cap). The work is in export/.
 */
import { createRoute } from "@hono/zod-openapi";
import {
  ExportSessionQuerySchema,
  type FieldIssue,
  ImportSessionQuerySchema,
  SessionExportSchema,
  SessionIdSchema,
  SessionSchema,
  describeFieldIssues,
  parseJson,
} from "@maestro/protocol";
import { z } from "zod";
import { getSession, getSessionRow, toSession } from "../db/queries/sessions.ts";
import { AppError, notFound } from "../errors.ts";
import { exportFileName, sessionMarkdown } from "../export/markdown.ts";
import { exportSession } from "../export/session-export.ts";
import { checkTree, decodeImport, importSession } from "../export/session-import.ts";
import { announceSessionChange } from "../feed/announce.ts";
import { IDLE_STATE } from "../kv/presence.ts";
import { createRouter, errorResponses, jsonResponse } from "./openapi.ts";

/** A broken file can have thousands of problems; the first ones say enough. */
const MAX_ISSUES = 20;

function invalidFile(issues: readonly FieldIssue[]): AppError {
  const fields = issues.slice(0, MAX_ISSUES);
  return new AppError("INVALID_REQUEST", `Invalid import: ${describeFieldIssues(fields)}`, { fields });
}

export const sessionTransfer = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/export",
      summary: "Download a session: Markdown (the branch in use, readable) or JSON (lossless: every branch, usage, cost, settings)",
      description:
        "JSON leaves out each answer's raw request and response unless `raw=true`. Credential secrets are never included; the credential is named by id and label.",
      request: { params: z.object({ id: SessionIdSchema }), query: ExportSessionQuerySchema },
      responses: {
        200: {
          description: "The export, as an attachment",
          content: { "application/json": { schema: SessionExportSchema }, "text/markdown": { schema: z.string() } },
        },
        ...errorResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { format, raw } = c.req.valid("query");
      const { db } = c.var.services;
      const session = await getSessionRow(db, id);
      if (session === undefined) throw notFound("SESSION_NOT_FOUND", "session");
      const now = new Date();
      const file = await exportSession(db, session, { raw: raw && format === "json", now });
      const disposition = `attachment; filename="${exportFileName(session.title, format, now)}"`;
      c.header("content-disposition", disposition);
      if (format === "md") return c.body(sessionMarkdown(file), 200, { "content-type": "text/markdown; charset=utf-8" });
      return c.json(file, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/import",
      summary: "Create a session from a JSON export, or from an OpenAI-style messages list ({messages, model?} or the bare list)",
      description:
        "Body: a JSON export (format \"maestro.session\"), `{messages, model?}` as sent to Chat Completions, or the bare messages list. The query's provider, model, credential_id and title win over the file's. An OpenAI list needs a model (its own `model` or ?model=); its provider defaults to openai. Bodies over 16 MiB get 413.",
      // The body (a SessionExport, or OpenAIChatImport / OpenAIChatMessages from @maestro/protocol)
      // is read and checked by hand, so that its problems are named in the format it is in.
      request: { query: ImportSessionQuerySchema },
      responses: { 201: jsonResponse(SessionSchema, "The new session"), ...errorResponses(400, 401, 404, 413) },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const { db, config } = c.var.services;
      const text = await c.req.text();
      const body = parseJson(text);
      if (!body.ok) throw new AppError("INVALID_REQUEST", "The request body is not valid JSON.");
      const decoded = decodeImport(body.value, query, new Date());
      if (!decoded.ok) throw invalidFile(decoded.error);
      const ordered = checkTree(decoded.value);
      if (!ordered.ok) throw invalidFile(ordered.error);
      const id = await importSession(db, decoded.value, ordered.value, query);
      const record = await getSession(db, id);
      if (record === undefined) throw new Error("the imported session vanished");
      c.var.log.info("session.imported", { session_id: id, messages: ordered.value.length });
      await announceSessionChange(c.env, id, c.var.log);
      return c.json(toSession(record, IDLE_STATE, config), 201);
    },
  );
