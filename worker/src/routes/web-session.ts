/**
 * /auth/session: the web UI signs in with the API token once and gets an HttpOnly, Secure,
 * SameSite=Strict cookie and a CSRF token; it asks whether it is signed in; it signs out. Mounted
 * before the API-token check, because this is where a browser without a cookie starts.
 */
import { createRoute } from "@hono/zod-openapi";
import { CSRF_HEADER, SignInBodySchema, WebSessionSchema } from "@maestro/protocol";
import type { Context } from "hono";
import { z } from "zod";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { tokensMatch } from "../auth/api-token.ts";
import {
  SESSION_COOKIE,
  WEB_SESSION_TTL_SECONDS,
  csrfMatches,
  endWebSession,
  readWebSession,
  startWebSession,
} from "../auth/web-session.ts";
import { AppError } from "../errors.ts";
import type { AppEnv } from "../middleware/services.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi.ts";

const SignedOutSchema = z.object({ signed_out: z.literal(true) });

async function currentSession(c: Context<AppEnv>) {
  const { config, redis } = c.var.services;
  return readWebSession(config.apiToken, redis, getCookie(c, SESSION_COOKIE), Date.now());
}

export const webSession = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      summary: "Sign the web UI in: the API token for an HttpOnly session cookie and a CSRF token",
      security: [],
      request: { body: jsonBody(SignInBodySchema) },
      responses: { 200: jsonResponse(WebSessionSchema, "Signed in; the cookie is set"), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { config, redis } = c.var.services;
      if (!(await tokensMatch(c.req.valid("json").token, config.apiToken)))
        throw new AppError("UNAUTHORIZED", "Missing or invalid API token.");
      const { cookie, session } = await startWebSession(config.apiToken, redis, Date.now());
      setCookie(c, SESSION_COOKIE, cookie, {
        httpOnly: true,
        secure: true,
        sameSite: "Strict",
        path: "/",
        maxAge: WEB_SESSION_TTL_SECONDS,
      });
      c.var.log.info("web_session.started");
      return c.json({ csrf_token: session.csrfToken, expires_at: session.expiresAt.toISOString() }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      summary: "Whether this browser is signed in (and its CSRF token)",
      security: [],
      responses: { 200: jsonResponse(WebSessionSchema, "Signed in"), ...errorResponses(401) },
    }),
    async (c) => {
      const session = await currentSession(c);
      if (session === undefined) throw new AppError("UNAUTHORIZED", "Not signed in.");
      return c.json({ csrf_token: session.csrfToken, expires_at: session.expiresAt.toISOString() }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/",
      summary: "Sign this browser out (needs the CSRF token)",
      security: [],
      responses: { 200: jsonResponse(SignedOutSchema, "Signed out; the cookie is cleared"), ...errorResponses(401, 403) },
    }),
    async (c) => {
      const session = await currentSession(c);
      if (session === undefined) throw new AppError("UNAUTHORIZED", "Not signed in.");
      if (!(await csrfMatches(session, c.req.header(CSRF_HEADER))))
        throw new AppError("FORBIDDEN", "Missing or invalid CSRF token (send the x-csrf-token header).");
      await endWebSession(c.var.services.redis, session);
      deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Strict" });
      return c.json({ signed_out: true as const }, 200);
    },
  );
