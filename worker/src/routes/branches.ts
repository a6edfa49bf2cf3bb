/**
 * Branches and forks of a session's conversation: edit a past user message and send it again,
 * regenerate an answer (with the session's model or another), switch the branch in use, fork the
 * session at a message, and list the sessions forked from it.
 */
import { createRoute } from "@hono/zod-openapi";
import {
  BranchSwitchedSchema,
  BranchTurnAcceptedSchema,
  EditMessageBodySchema,
  ForkSessionBodySchema,
  MessageIdSchema,
  RegenerateBodySchema,
  SendMessageQuerySchema,
  SessionForkListSchema,
  SessionIdSchema,
  SessionSchema,
  SwitchBranchBodySchema,
  TurnResultSchema,
} from "@maestro/protocol";
import { z } from "zod";
import { sessionMessage } from "../db/queries/branches.ts";
import { forkSession, forksOf } from "../db/queries/forks.ts";
import { getSession, getSessionRow, toSession } from "../db/queries/sessions.ts";
import { AppError, notFound } from "../errors.ts";
import { announceSessionChange } from "../feed/announce.ts";
import { IDLE_STATE } from "../kv/presence.ts";
import { unwrapRpcResult } from "../session/rpc-result.ts";
import { sessionStub } from "../session/stub.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi.ts";
import { forwardTurnStart } from "./turn-start.ts";

const SessionParams = z.object({ id: SessionIdSchema });
const MessageParams = SessionParams.extend({ message_id: MessageIdSchema });

const turnResponses = {
  202: jsonResponse(BranchTurnAcceptedSchema, "The branch is made and its turn has started"),
  200: {
    description: "With wait=true: the ended turn. With Accept: text/event-stream: the turn's frames as SSE.",
    content: { "application/json": { schema: TurnResultSchema }, "text/event-stream": { schema: z.string() } },
  },
  ...errorResponses(400, 401, 404, 409),
};

export const branches = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/messages/{message_id}/edit",
      summary: "Send new text in place of a past user message: the conversation branches there (the old branch is kept)",
      request: { params: MessageParams, query: SendMessageQuerySchema, body: jsonBody(EditMessageBodySchema) },
      responses: turnResponses,
    }),
    async (c) => {
      const { id, message_id: messageId } = c.req.valid("param");
      return forwardTurnStart(c, id, { kind: "edit", message_id: messageId, text: c.req.valid("json").text }, c.req.valid("query").wait);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/messages/{message_id}/regenerate",
      summary: "Answer again from where this answer began, optionally with another provider/model for this answer",
      description: "The old answer stays as a branch beside the new one. The session keeps its own provider and model.",
      request: { params: MessageParams, query: SendMessageQuerySchema, body: jsonBody(RegenerateBodySchema) },
      responses: turnResponses,
    }),
    async (c) => {
      const { id, message_id: messageId } = c.req.valid("param");
      return forwardTurnStart(c, id, { kind: "regenerate", message_id: messageId, choice: c.req.valid("json") }, c.req.valid("query").wait);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/branch",
      summary: "Continue from the branch holding a message (at that branch's newest message); every client follows",
      request: { params: SessionParams, body: jsonBody(SwitchBranchBodySchema) },
      responses: { 200: jsonResponse(BranchSwitchedSchema, "The branch now in use"), ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if ((await getSession(c.var.services.db, id)) === undefined) throw notFound("SESSION_NOT_FOUND", "session");
      const { message_id: messageId } = c.req.valid("json");
      return c.json(BranchSwitchedSchema.parse(unwrapRpcResult(await sessionStub(c.env, id).switchBranch(id, messageId))), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/fork",
      summary: "Fork the session at a message: a new session with its settings and its branch up to that message",
      request: { params: SessionParams, body: jsonBody(ForkSessionBodySchema) },
      responses: { 201: jsonResponse(SessionSchema, "The new session"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { db, config } = c.var.services;
      const body = c.req.valid("json");
      const source = await getSessionRow(db, id);
      if (source === undefined) throw notFound("SESSION_NOT_FOUND", "session");
      if ((await sessionMessage(db, id, body.message_id)) === undefined) {
        throw new AppError("MESSAGE_NOT_FOUND", "No message with that id in this session.", {
          fields: [{ field: "message_id", message: "no message with that id in this session" }],
        });
      }
      const fork = await forkSession(db, source, body.message_id, body.title ?? `${source.title} (fork)`);
      const forkId = SessionIdSchema.parse(fork.id);
      const record = await getSession(db, forkId);
      if (record === undefined) throw new Error("the fork vanished");
      c.var.log.info("session.forked", { session_id: forkId, from_session_id: id, from_message_id: body.message_id });
      await announceSessionChange(c.env, forkId, c.var.log);
      return c.json(toSession(record, IDLE_STATE, config), 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/forks",
      summary: "The sessions forked from this one, newest first",
      request: { params: SessionParams },
      responses: { 200: jsonResponse(SessionForkListSchema, "Forks"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { db } = c.var.services;
      if ((await getSession(db, id)) === undefined) throw notFound("SESSION_NOT_FOUND", "session");
      return c.json({ data: await forksOf(db, id) }, 200);
    },
  );
