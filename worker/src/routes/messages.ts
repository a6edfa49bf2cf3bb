/** /sessions/:id/messages: send a message into a session, and page through its history. */
import { createRoute } from "@hono/zod-openapi";
import {
  ListMessagesQuerySchema,
  MessagePageSchema,
  SendMessageAcceptedSchema,
  SendMessageBodySchema,
  SessionIdSchema,
} from "@maestro/protocol";
import { z } from "zod";
import { listMessages } from "../db/queries/messages.ts";
import { getSession } from "../db/queries/sessions.ts";
import { AppError, notFound } from "../errors.ts";
import { unwrapRpcResult } from "../session/rpc-result.ts";
import { sessionStub } from "../session/stub.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi.ts";

const SessionParams = z.object({ id: SessionIdSchema });

export const messages = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/messages",
      summary: "Send a message; every client watching the session sees it at once",
      request: { params: SessionParams, body: jsonBody(SendMessageBodySchema) },
      responses: { 202: jsonResponse(SendMessageAcceptedSchema, "Stored; the turn has started"), ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const accepted = unwrapRpcResult(await sessionStub(c.env, id).submitMessage(id, c.req.valid("json").text));
      return c.json(accepted, 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/messages",
      summary: "Message history, newest first; pass `before` (a message id) for older pages",
      request: { params: SessionParams, query: ListMessagesQuerySchema },
      responses: { 200: jsonResponse(MessagePageSchema, "One page of messages"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { db } = c.var.services;
      if ((await getSession(db, id)) === undefined) throw notFound("SESSION_NOT_FOUND", "session");
      const query = c.req.valid("query");
      const page = await listMessages(db, id, query);
      if (page === undefined) {
        throw new AppError("MESSAGE_NOT_FOUND", "No message with that id in this session.", {
          fields: [{ field: "before", message: "no message with that id in this session" }],
        });
      }
      return c.json({ data: page.data, next_before: page.nextBefore }, 200);
    },
  );
