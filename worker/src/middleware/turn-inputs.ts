/**
 * A request that changed what a turn is made of — a credential (its routes and OAuth logins), a
 * tool, an MCP server (and its sign-in, or a fresh look at its tools), a local agent — tells the
 * sessions that keep those warm (session/input-notices.ts) before its response goes out, so the
 * caller's next turn, in any session, sees the change.
 */
import { createMiddleware } from "hono/factory";
import { type InputsChange, noticeInputsChange } from "../session/input-notices.ts";
import type { AppEnv } from "./services.ts";

const RESOURCES: Record<string, InputsChange> = {
  credentials: "credential",
  oauth: "credential",
  tools: "tools",
  "mcp-servers": "mcp_servers",
  agents: "agent",
};

/** The resource a request writes, if it is one a turn is made of. Reads write nothing, but for two. */
function changed(method: string, path: string): InputsChange | undefined {
  const resource = /^\/api\/v1\/([a-z-]+)(?:\/|$)/.exec(path)?.[1];
  const change = resource === undefined ? undefined : RESOURCES[resource];
  if (change === undefined) return undefined;
  if (method !== "GET" && method !== "HEAD") return change;
  // Listing a server's tools refreshes its cached list (and maybe its login); the MCP sign-in lands with a GET.
  return /^\/api\/v1\/(mcp-servers\/[^/]+\/tools|oauth\/mcp\/callback)$/.test(path) ? "mcp_servers" : undefined;
}

export const turnInputsNotice = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const change = changed(c.req.method, c.req.path);
  // 202: a device sign-in still waiting (polled every few seconds) has written nothing yet.
  if (change === undefined || c.res.status >= 400 || c.res.status === 202) return;
  await noticeInputsChange(c.env, c.var.log, change);
});
