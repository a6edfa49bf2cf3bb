/**
 * /sessions: create, list (with who is watching), read, reconfigure, archive, and the live socket.
 * Changes go through the session's Durable Object so every watching client hears about them.
 */
import { createRoute } from "@hono/zod-openapi";
import {
  CreateSessionBodySchema,
  DeletedSchema,
  ListSessionsQuerySchema,
  SessionIdSchema,
  SessionListSchema,
  SessionSchema,
  UpdateSessionBodySchema,
} from "@maestro/protocol";
import { z } from "zod";
import { createSession, getSession, listSessions, toSession } from "../db/queries/sessions.ts";
import { AppError, notFound } from "../errors.ts";
import { announceSessionChange } from "../feed/announce.ts";
import { IDLE_STATE, type LiveState, readLiveStates } from "../kv/presence.ts";
import { resolveNewSession } from "../session/session-config.ts";
import { unwrapRpcResult } from "../session/rpc-result.ts";
import { sessionStub } from "../session/stub.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi.ts";

const IdParams = z.object({ id: SessionIdSchema });

export const sessions = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      summary: "Create a session, from scratch or from a template",
      request: { body: jsonBody(CreateSessionBodySchema) },
      responses: { 201: jsonResponse(SessionSchema, "The new session"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { db } = c.var.services;
      const record = await createSession(db, await resolveNewSession(db, c.req.valid("json")));
      const session = toSession(record, IDLE_STATE, c.var.services.config);
      c.var.log.info("session.created", { session_id: session.id, provider: session.provider, model: session.model });
      await announceSessionChange(c.env, session.id, c.var.log);
      return c.json(session, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      summary: "List sessions, most recently active first, with presence and activity",
      request: { query: ListSessionsQuerySchema },
      responses: { 200: jsonResponse(SessionListSchema, "Sessions"), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { db, redis } = c.var.services;
      const records = await listSessions(db, c.req.valid("query"));
      const live = await readLiveStates(
        redis,
        records.map((record) => record.row.id),
      ).catch((error: unknown) => {
        // Presence is a nicety: without Redis the list still works, showing nobody watching.
        c.var.log.warn("presence.unavailable", { error });
        return new Map<string, LiveState>();
      });
      const { config } = c.var.services;
      return c.json({ data: records.map((record) => toSession(record, live.get(record.row.id) ?? IDLE_STATE, config)) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      summary: "Read a session",
      request: { params: IdParams },
      responses: { 200: jsonResponse(SessionSchema, "The session"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { db, redis } = c.var.services;
      const record = await getSession(db, id);
      if (record === undefined) throw notFound("SESSION_NOT_FOUND", "session");
      const live = await readLiveStates(redis, [id]).catch(() => new Map<string, LiveState>());
      return c.json(toSession(record, live.get(id) ?? IDLE_STATE, c.var.services.config), 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      summary: "Reconfigure a session (title, model, provider, credential, tools, approval mode…)",
      request: { params: IdParams, body: jsonBody(UpdateSessionBodySchema) },
      responses: { 200: jsonResponse(SessionSchema, "The updated session"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const session = unwrapRpcResult(await sessionStub(c.env, id).configure(id, c.req.valid("json")));
      return c.json(session, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      summary: "Archive a session (history is kept; it takes no new messages)",
      request: { params: IdParams },
      responses: { 200: jsonResponse(DeletedSchema, "Archived"), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      unwrapRpcResult(await sessionStub(c.env, id).archive(id));
      c.var.log.info("session.archived", { session_id: id });
      return c.json({ id, deleted: true as const }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}/socket",
      summary: "The live session over WebSocket (see the session-socket frames in @maestro/protocol)",
      request: { params: IdParams },
      responses: { 101: { description: "Switching to the session socket" }, ...errorResponses(400, 401, 404, 426) },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
        throw new AppError("UPGRADE_REQUIRED", "This path only speaks WebSocket.");
      }
      if ((await getSession(c.var.services.db, id)) === undefined) throw notFound("SESSION_NOT_FOUND", "session");
      const forwarded = new Request(c.req.raw);
      forwarded.headers.set("x-maestro-session-id", id);
      return sessionStub(c.env, id).fetch(forwarded);
    },
  );
