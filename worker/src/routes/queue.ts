/**
 * /sessions/:id/queue: the messages waiting for the running turn to end. Read the queue, edit or
 * cancel an entry that has not started (409 QUEUE_ENTRY_STARTED once it has), and resume a queue
 * that paused after a cancelled or failed turn. Every change reaches every client as a `queue` frame.
 */
import { createRoute } from "@hono/zod-openapi";
import { QueueEditBodySchema, QueueEntryIdSchema, QueueEntrySchema, QueueSchema, SessionIdSchema } from "@maestro/protocol";
import { z } from "zod";
import { getSession } from "../db/queries/sessions.ts";
import { notFound } from "../errors.ts";
import { unwrapRpcResult } from "../session/rpc-result.ts";
import { sessionStub } from "../session/stub.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi.ts";

const SessionParams = z.object({ id: SessionIdSchema });
const EntryParams = SessionParams.extend({ entry_id: QueueEntryIdSchema });

export const queue = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/queue",
      summary: "The messages waiting for the running turn to end, oldest first",
      request: { params: SessionParams },
      responses: { 200: jsonResponse(QueueSchema, "The queue"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if ((await getSession(c.var.services.db, id)) === undefined) throw notFound("SESSION_NOT_FOUND", "session");
      return c.json(QueueSchema.parse(unwrapRpcResult(await sessionStub(c.env, id).changeQueue(id, { kind: "list" }))), 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}/queue/{entry_id}",
      summary: "Change a queued message's text before it starts",
      request: { params: EntryParams, body: jsonBody(QueueEditBodySchema) },
      responses: {
        200: jsonResponse(QueueEntrySchema, "The edited entry"),
        ...errorResponses(400, 401, 404, 409),
      },
    }),
    async (c) => {
      const { id, entry_id: entryId } = c.req.valid("param");
      const { text } = c.req.valid("json");
      return c.json(
        QueueEntrySchema.parse(unwrapRpcResult(await sessionStub(c.env, id).changeQueue(id, { kind: "edit", entryId, text }))),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}/queue/{entry_id}",
      summary: "Cancel a queued message before it starts",
      request: { params: EntryParams },
      responses: { 200: jsonResponse(QueueEntrySchema, "The cancelled entry"), ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { id, entry_id: entryId } = c.req.valid("param");
      return c.json(
        QueueEntrySchema.parse(unwrapRpcResult(await sessionStub(c.env, id).changeQueue(id, { kind: "cancel", entryId }))),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/queue/resume",
      summary: "Start a queue that paused after a cancelled or failed turn",
      request: { params: SessionParams },
      responses: { 200: jsonResponse(QueueSchema, "The queue"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      return c.json(QueueSchema.parse(unwrapRpcResult(await sessionStub(c.env, id).changeQueue(id, { kind: "resume" }))), 200);
    },
  );
