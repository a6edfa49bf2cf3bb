/**
 * /oauth: logins that end in an OAuth credential (DESIGN §7). Codex (ChatGPT subscription,
 * unofficial) by authorization code — the user pastes the code or redirect URL back, or the TUI
 * hands over what its loopback listener received — or by device code.
 */
import { createRoute } from "@hono/zod-openapi";
import {
  CredentialSchema,
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
      responses: { 201: jsonResponse(CredentialSchema, "The new credential"), ...errorResponses(400, 401, 502) },
    }),
    async (c) => {
      const credential = await finishCodexLogin(loginDeps(c), c.req.valid("json"));
      c.var.log.info("oauth.login_finished", { provider: "codex", credential_id: credential.id });
      return c.json(credential, 201);
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
      summary: "Ask whether a device login was approved: 202 while waiting, 201 with the credential once done",
      request: { body: jsonBody(PollDeviceLoginBodySchema) },
      responses: {
        201: jsonResponse(CredentialSchema, "Approved: the new credential"),
        202: jsonResponse(DeviceLoginPendingSchema, "Not approved yet; poll again after the interval"),
        ...errorResponses(400, 401, 502),
      },
    }),
    async (c) => {
      const credential = await pollCodexDeviceLogin(loginDeps(c), c.req.valid("json").state);
      if (credential === undefined) return c.json({ status: "pending" as const }, 202);
      c.var.log.info("oauth.login_finished", { provider: "codex", credential_id: credential.id, flow: "device" });
      return c.json(credential, 201);
    },
  );
