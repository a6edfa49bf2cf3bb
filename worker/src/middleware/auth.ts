/**
 * Who may use /api/v1 (DESIGN §4): a bearer token (scripts, the TUI), the token as a socket
 * sub-protocol (`maestro.v1, maestro.token.<base64url>`, for clients that cannot set headers), or
 * the web UI's session cookie. A cookie alone never changes anything: POST, PATCH, PUT and DELETE
 * also need the CSRF token, and a socket opened with a cookie must come from this origin.
 */
import { CSRF_HEADER } from "@maestro/protocol";
import { getCookie } from "hono/cookie";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { bearerToken, tokensMatch } from "../auth/api-token.ts";
import { base64UrlToBytes } from "../auth/base64.ts";
import { SESSION_COOKIE, csrfMatches, readWebSession } from "../auth/web-session.ts";
import { AppError } from "../errors.ts";
import type { AppEnv } from "./services.ts";

const TOKEN_PROTOCOL_PREFIX = "maestro.token.";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function tokenFromSubprotocol(header: string | undefined): string | undefined {
  const offered = header?.split(",").map((value) => value.trim()) ?? [];
  const entry = offered.find((value) => value.startsWith(TOKEN_PROTOCOL_PREFIX));
  if (entry === undefined) return undefined;
  const bytes = base64UrlToBytes(entry.slice(TOKEN_PROTOCOL_PREFIX.length));
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

/** Whether the request offers an API token (a header or a socket sub-protocol), right or wrong. */
export function presentsApiToken(c: Context<AppEnv>): boolean {
  return c.req.header("authorization") !== undefined || (c.req.header("sec-websocket-protocol")?.includes(TOKEN_PROTOCOL_PREFIX) ?? false);
}

const UNAUTHORIZED = () => new AppError("UNAUTHORIZED", "Missing or invalid API token.");

export const requireApiToken = createMiddleware<AppEnv>(async (c, next) => {
  const { config } = c.var.services;
  const presented = bearerToken(c.req.header("authorization")) ?? tokenFromSubprotocol(c.req.header("sec-websocket-protocol"));
  if (presented !== undefined) {
    if (!(await tokensMatch(presented, config.apiToken))) throw UNAUTHORIZED();
    return next();
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  const session = cookie === undefined ? undefined : await readWebSession(config.apiToken, c.var.services.redis, cookie, Date.now());
  if (session === undefined) throw UNAUTHORIZED();
  if (c.req.header("upgrade")?.toLowerCase() === "websocket") {
    // Cross-site WebSocket hijacking: a socket riding on the cookie must be opened by our own pages.
    const origin = c.req.header("origin");
    if (origin === undefined || origin !== new URL(c.req.url).origin)
      throw new AppError("FORBIDDEN", "Sockets opened with a session cookie must come from this site.");
  } else if (!SAFE_METHODS.has(c.req.method) && !(await csrfMatches(session, c.req.header(CSRF_HEADER)))) {
    throw new AppError("FORBIDDEN", "Missing or invalid CSRF token (send the x-csrf-token header).");
  }
  return next();
});
