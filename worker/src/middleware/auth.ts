/**
 * Bearer-token authentication for /api/v1 (DESIGN §4). Browsers cannot set headers on a
 * WebSocket, so a socket may instead offer the token as a sub-protocol
 * (`maestro.v1, maestro.token.<base64url token>`); the token itself is never echoed back.
 */
import { createMiddleware } from "hono/factory";
import { bearerToken, tokensMatch } from "../auth/api-token.ts";
import { base64UrlToBytes } from "../auth/base64.ts";
import { AppError } from "../errors.ts";
import type { AppEnv } from "./services.ts";

const TOKEN_PROTOCOL_PREFIX = "maestro.token.";

function tokenFromSubprotocol(header: string | undefined): string | undefined {
  const offered = header?.split(",").map((value) => value.trim()) ?? [];
  const entry = offered.find((value) => value.startsWith(TOKEN_PROTOCOL_PREFIX));
  if (entry === undefined) return undefined;
  const bytes = base64UrlToBytes(entry.slice(TOKEN_PROTOCOL_PREFIX.length));
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

export const requireApiToken = createMiddleware<AppEnv>(async (c, next) => {
  const presented = bearerToken(c.req.header("authorization")) ?? tokenFromSubprotocol(c.req.header("sec-websocket-protocol"));
  const expected = c.var.services.config.apiToken;
  if (presented === undefined || !(await tokensMatch(presented, expected))) {
    throw new AppError("UNAUTHORIZED", "Missing or invalid API token.");
  }
  await next();
});
