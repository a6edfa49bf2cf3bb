/**
 * /oauth: logins (DESIGN §7). Codex (ChatGPT subscription, unofficial) by authorization code —
 * the user pastes the code or redirect URL back, or the TUI hands over what its loopback listener
 * received — or by device code; the result is a credential. Remote MCP servers that require the
 * MCP authorization flow: finished the same ways, or by the browser landing on /oauth/mcp/callback.
 */
import { createRoute } from "@hono/zod-openapi";
import {
  CredentialSchema,
  McpServerSchema,
  DeviceLoginPendingSchema,
  DeviceLoginStartedSchema,
  FinishOAuthBodySchema,
  OAuthStartedSchema,
  PollDeviceLoginBodySchema,
  StartDeviceLoginBodySchema,
  StartOAuthBodySchema,
} from "@maestro/protocol";
import type { Context } from "hono";
import {
  type LoginDeps,
  finishCodexLogin,
  pollCodexDeviceLogin,
  startCodexDeviceLogin,
  startCodexLogin,
} from "../auth/oauth/codex-login.ts";
import { AppError } from "../errors.ts";
import { finishMcpLogin, startMcpLogin } from "../mcp/login.ts";
import type { AppEnv } from "../middleware/services.ts";
import { createRouter, errorResponses, jsonBody, jsonResponse } from "./openapi.ts";

function loginDeps(c: Context<AppEnv>): LoginDeps {
  const { db, redis, config } = c.var.services;
  return {
    db,
    redis,
    keyRing: config.keyRing,
    issuer: config.codexIssuer,
    timeoutMs: config.oauthTimeoutMs,
    fetch: globalThis.fetch.bind(globalThis),
    now: () => Date.now(),
  };
}

export const oauth = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/codex/start",
      summary: "Start a Codex (ChatGPT subscription, unofficial) login: where to send the user",
      request: { body: jsonBody(StartOAuthBodySchema) },
      responses: { 200: jsonResponse(OAuthStartedSchema, "The authorize URL and the login's state"), ...errorResponses(400, 401) },
    }),
    async (c) => c.json(await startCodexLogin(loginDeps(c), c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/codex/finish",
      summary: "Finish a Codex login with the code (or the whole redirect URL); stores the credential",
      request: { body: jsonBody(FinishOAuthBodySchema) },
      responses: {
        200: jsonResponse(CredentialSchema, "The credential named by credential_id, signed in again"),
        201: jsonResponse(CredentialSchema, "The new credential"),
        ...errorResponses(400, 401, 404, 502),
      },
    }),
    async (c) => {
      const { credential, created } = await finishCodexLogin(loginDeps(c), c.req.valid("json"));
      c.var.log.info("oauth.login_finished", { provider: "codex", credential_id: credential.id, created });
      return created ? c.json(credential, 201) : c.json(credential, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/codex/device/start",
      summary: "Start a Codex device-code login, for when no browser can reach the redirect",
      request: { body: jsonBody(StartDeviceLoginBodySchema) },
      responses: { 200: jsonResponse(DeviceLoginStartedSchema, "The code to enter and where"), ...errorResponses(400, 401, 502) },
    }),
    async (c) => c.json(await startCodexDeviceLogin(loginDeps(c), c.req.valid("json")), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/codex/device/poll",
      summary: "Ask whether a device login was approved: 202 while waiting, then the credential (201 if new, 200 if signed in again)",
      request: { body: jsonBody(PollDeviceLoginBodySchema) },
      responses: {
        200: jsonResponse(CredentialSchema, "Approved: the credential named by credential_id, signed in again"),
        201: jsonResponse(CredentialSchema, "Approved: the new credential"),
        202: jsonResponse(DeviceLoginPendingSchema, "Not approved yet; poll again after the interval"),
        ...errorResponses(400, 401, 404, 502),
      },
    }),
    async (c) => {
      const stored = await pollCodexDeviceLogin(loginDeps(c), c.req.valid("json").state);
      if (stored === undefined) return c.json({ status: "pending" as const }, 202);
      const { credential, created } = stored;
      c.var.log.info("oauth.login_finished", { provider: "codex", credential_id: credential.id, flow: "device", created });
      return created ? c.json(credential, 201) : c.json(credential, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/mcp/start",
      summary: "Start signing in to a remote MCP server that requires it (discovery, client registration, PKCE)",
      request: { body: jsonBody(StartOAuthBodySchema) },
      responses: {
        200: jsonResponse(OAuthStartedSchema, "The authorize URL and the login's state"),
        ...errorResponses(400, 401, 404, 502),
      },
    }),
    async (c) => {
      const started = await startMcpLogin(mcpLoginDeps(c), c.req.valid("json"), mcpCallbackUrl(c));
      return c.json(started, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/mcp/finish",
      summary: "Finish an MCP server sign-in with the code (or the whole redirect URL)",
      request: { body: jsonBody(FinishOAuthBodySchema) },
      responses: { 200: jsonResponse(McpServerSchema, "The server, now signed in"), ...errorResponses(400, 401, 404, 502) },
    }),
    async (c) => {
      const server = await finishMcpLogin(mcpLoginDeps(c), c.req.valid("json"));
      c.var.log.info("oauth.mcp_login_finished", { mcp_server_id: server.id });
      return c.json(server, 200);
    },
  );

function mcpLoginDeps(c: Context<AppEnv>) {
  const { db, redis, config } = c.var.services;
  return { db, redis, keyRing: config.keyRing, fetch: globalThis.fetch.bind(globalThis), now: () => Date.now() };
}

/** Where an MCP authorization server sends the browser back: this deployment's callback page. */
function mcpCallbackUrl(c: Context<AppEnv>): string {
  return `${new URL(c.req.url).origin}/api/v1/oauth/mcp/callback`;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char);

function page(title: string, text: string): string {
  return `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title><body style="font-family:system-ui;margin:4rem auto;max-width:32rem"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body>`;
}

/**
 * GET /oauth/mcp/callback: the browser lands here after signing in to an MCP server. It carries
 * no API token (a redirect cannot), so the single-use `state` is what authenticates it.
 */
export const oauthCallback = createRouter().get("/", async (c) => {
  const state = c.req.query("state") ?? "";
  const code = c.req.query("code");
  const error = c.req.query("error");
  if (error !== undefined) return c.html(page("Sign-in not completed", `The server answered "${error}".`), 400);
  if (state === "" || code === undefined) return c.html(page("Sign-in not completed", "This page needs a code and a state."), 400);
  try {
    const server = await finishMcpLogin(mcpLoginDeps(c), { state, code });
    return c.html(page("Signed in", `The Maestro can now use the MCP server "${server.name}". You can close this window.`), 200);
  } catch (failure) {
    // Only our own errors carry a message meant for people; anything else stays in the log.
    if (!(failure instanceof AppError)) c.var.log.error("oauth.mcp_callback_failed", { error: failure });
    const message = failure instanceof AppError ? failure.message : "The sign-in failed.";
    return c.html(page("Sign-in failed", message), 400);
  }
});
