/**
 * /sessions/:id/messages and the turn's controls: send a message (answered at once, when the turn
 * has ended with `?wait=true`, or as server-sent events with `Accept: text/event-stream`), page
 * through history, cancel the turn, answer an approval, retry a failed answer.
 */
import { createRoute } from "@hono/zod-openapi";
import {
  ApprovalAnswerBodySchema,
  ApprovalAnsweredSchema,
  CancelResultSchema,
  CompactBodySchema,
  CompactResultSchema,
  ListMessagesQuerySchema,
  MessagePageSchema,
  RetryAcceptedSchema,
  SendMessageAcceptedSchema,
  SendMessageBodySchema,
  SendMessageQuerySchema,
  SendMessageQueuedSchema,
  SessionIdSchema,
  ToolCallIdSchema,
  TurnResultSchema,
} from "@maestro/protocol";
import { z } from "zod";
import { pageBranch } from "../db/queries/branches.ts";
import { listMessages } from "../db/queries/messages.ts";
import { getSession } from "../db/queries/sessions.ts";
import { AppError, notFound } from "../errors.ts";
import { forwardTurnStart } from "./turn-start.ts";
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
      description:
        "Answers 202 with the turn id at once — or, while another turn runs, 202 with `{queued: {...}}`: the message waits in the " +
        "session's queue (editable and cancellable until it starts; see /sessions/{id}/queue) and starts its turn when the running one ends. " +
        "With `?wait=true` it answers when this message's turn has ended (after waiting in the queue, if it had to), with the final assistant message. " +
        "With `Accept: text/event-stream` it streams the turn's session-socket frames (the user's message, every event, turn_end) as server-sent events. " +
        "A `request_id` comes back on the user's `message` frame, the queue entry, the `turn_end` and the result.",
      request: { params: SessionParams, query: SendMessageQuerySchema, body: jsonBody(SendMessageBodySchema) },
      responses: {
        202: jsonResponse(
          z.union([SendMessageAcceptedSchema, SendMessageQueuedSchema]),
          "Stored; the turn has started (`{turn_id, message_id}`), or the message is queued behind the running turn (`{queued}`)",
        ),
        200: {
          description: "With wait=true: the ended turn. With Accept: text/event-stream: the turn's frames as SSE.",
          content: { "application/json": { schema: TurnResultSchema }, "text/event-stream": { schema: z.string() } },
        },
        ...errorResponses(400, 401, 404, 409),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { text, request_id } = c.req.valid("json");
      return forwardTurnStart(c, id, { kind: "send", text, request_id }, c.req.valid("query").wait);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/messages",
      summary: "The branch in use, newest first; pass `before` (a message id) for older pages. With `q`: every branch's matching messages",
      request: { params: SessionParams, query: ListMessagesQuerySchema },
      responses: { 200: jsonResponse(MessagePageSchema, "One page of messages"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { db } = c.var.services;
      if ((await getSession(db, id)) === undefined) throw notFound("SESSION_NOT_FOUND", "session");
      const query = c.req.valid("query");
      const page = query.q === undefined ? await pageBranch(db, id, query) : await listMessages(db, id, query);
      if (page === undefined) {
        throw new AppError("MESSAGE_NOT_FOUND", "No message with that id in this session.", {
          fields: [{ field: "before", message: "no message with that id in this session" }],
        });
      }
      return c.json({ data: page.data, next_before: page.nextBefore }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/cancel",
      summary: "Stop the running turn (the model call is aborted; what it said so far is kept)",
      request: { params: SessionParams },
      responses: { 200: jsonResponse(CancelResultSchema, "Whether a turn was stopped"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if ((await getSession(c.var.services.db, id)) === undefined) throw notFound("SESSION_NOT_FOUND", "session");
      return c.json(unwrapRpcResult(await sessionStub(c.env, id).cancelTurn(id)), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/retry",
      summary: "Ask the model again for the conversation as it stands (after a failed or broken-off answer)",
      request: { params: SessionParams },
      responses: { 202: jsonResponse(RetryAcceptedSchema, "The new turn has started"), ...errorResponses(400, 401, 404, 409) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      return c.json(RetryAcceptedSchema.parse(unwrapRpcResult(await sessionStub(c.env, id).retryTurn(id))), 202);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/compact",
      summary: "Compact now, between turns: prune old tool output and summarise older turns (the full record stays)",
      request: { params: SessionParams, body: jsonBody(CompactBodySchema) },
      responses: {
        200: jsonResponse(CompactResultSchema, "The compaction message (409 NOTHING_TO_COMPACT when the conversation is all one turn)"),
        ...errorResponses(400, 401, 404, 409),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { instructions } = c.req.valid("json");
      return c.json(CompactResultSchema.parse(unwrapRpcResult(await sessionStub(c.env, id).compact(id, instructions))), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/approvals/{call_id}",
      summary: "Answer a tool call's approval request (the first answer from any client wins)",
      request: { params: SessionParams.extend({ call_id: ToolCallIdSchema }), body: jsonBody(ApprovalAnswerBodySchema) },
      responses: { 200: jsonResponse(ApprovalAnsweredSchema, "The answer was taken"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id, call_id: callId } = c.req.valid("param");
      const body = c.req.valid("json");
      return c.json(
        ApprovalAnsweredSchema.parse(
          unwrapRpcResult(await sessionStub(c.env, id).answerApproval(id, callId, body.decision, body.reason, body.request_id)),
        ),
        200,
      );
    },
  );
