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
 * An IPv6 address's /64: one subscriber usually holds a whole /64, so counting single addresses
 * would give a guesser 2^64 budgets. Undefined when the text is not an IPv6 address.
 */
export function ipv6Prefix64(address: string): string | undefined {
  if (!address.includes(":")) return undefined;
  const [head = "", tail, ...rest] = address.toLowerCase().split("::");
  if (rest.length > 0) return undefined;
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  if (groups.length < 4 || groups.slice(0, 4).some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/**
 * The client's address: Cloudflare sets `cf-connecting-ip` on every request (and replaces any the
 * client sent); wrangler dev sets it to the loopback address. IPv6 clients count per /64.
 * Requests without it (the test pool's) share one key.
 */
export function clientAddress(c: Context<AppEnv>): string {
  const address = c.req.header("cf-connecting-ip")?.trim() || "unknown";
  return ipv6Prefix64(address) ?? address;
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
