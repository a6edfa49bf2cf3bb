/**
 * The two limits (README "Rate limits"). Sign-in is strict and per client address, to stop
 * guessing; the API is generous and per principal, so that one person's sessions, scripts, open
 * pages and terminals share one budget they never reach in normal use. Socket frames are not
 * HTTP requests and are never counted; only a socket's opening request is.
 */
import type { Context } from "hono";
import type { AppEnv } from "../middleware/services.ts";
import type { RateLimitRule } from "./middleware.ts";

/**
 * The client's address: Cloudflare sets `cf-connecting-ip` on every request (and replaces any the
 * client sent); wrangler dev sets it to the loopback address. Requests without it (the test
 * pool's) share one key.
 */
export function clientAddress(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip")?.trim() || "unknown";
}

// The API has one principal: whoever holds the API token (bearer, socket sub-protocol or the web
// session it signed in). A key per principal is where a multi-user API would split.
const API_PRINCIPAL = "owner";

const SEND_MESSAGE = /^\/api\/v1\/sessions\/[^/]+\/messages$/;

export const signInRule: RateLimitRule = {
  name: "sign_in",
  policy: (config) => config.rateLimits.signIn,
  key: clientAddress,
  message: "Too many sign-in attempts from this address.",
};

export const apiRule: RateLimitRule = {
  name: "api",
  policy: (config) => config.rateLimits.api,
  key: () => API_PRINCIPAL,
  message: "Too many requests.",
  // A message's answer streams from this request, and a socket carries a session's turns: neither
  // waits for Redis. They still count, and a budget already spent refuses them.
  countLater: (c) => c.req.header("upgrade")?.toLowerCase() === "websocket" || (c.req.method === "POST" && SEND_MESSAGE.test(c.req.path)),
};
