// Proves: a remote MCP server that requires the MCP authorization spec (the SDK's own auth
// router in front of the real server-everything) is refused with a clear "sign in" until the
// user signs in; signing in discovers the server's metadata, registers a client, uses PKCE, and
// finishes either on the callback page the browser lands on or with a pasted redirect URL; the
// tokens are stored sealed (never returned), the tools then list and run in a session, and a
// login with an unknown state is refused. The Cron Trigger refreshes a login about to expire and
// keeps the rotated tokens, and two overlapping refreshers refresh once (the later one reads the
// tokens again under the lock instead of spending a rotated-away refresh token and wrongly
// marking the server for a new sign-in); a refresh token the server no longer takes does mark it.
import type { McpServer } from "@maestro/protocol";
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { getConfig } from "../../src/env.ts";
import worker from "../../src/index.ts";
import { openRedis } from "../../src/kv/redis.ts";
import { createLogger } from "../../src/log.ts";
import { refreshDueMcpLogins } from "../../src/mcp/refresh.ts";
import { ORIGIN, api, client, workerFetch } from "../helpers/api.ts";
import { withDb } from "../helpers/db.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";

let serial = 0;
async function addProtectedServer(): Promise<McpServer> {
  serial += 1;
  return client().mcpServers.create({
    name: `guarded-${serial}-${Date.now() % 100_000}`,
    transport: "streamable_http",
    url: inject("mcpProtectedUrl"),
  });
}

/** The browser's part: open the authorize URL and follow the server's redirect (it approves at once). */
async function approveInBrowser(authorizeUrl: string): Promise<string> {
  const response = await fetch(authorizeUrl, { redirect: "manual" });
  expect(response.status).toBe(302);
  return response.headers.get("location") ?? "";
}

/** start → the browser approves → the callback page: a server signed in. */
async function signIn(server: McpServer): Promise<void> {
  const started = await api("/oauth/mcp/start", { method: "POST", body: JSON.stringify({ mcp_server_id: server.id }) });
  const login = await started.json<{ authorize_url: string }>();
  const page = await workerFetch(await approveInBrowser(login.authorize_url));
  expect(page.status).toBe(200);
}

const hostOrigin = () => new URL(inject("mcpProtectedUrl")).origin;
const refreshes = async () => (await (await fetch(`${hostOrigin()}/__stats`)).json<{ refreshes: number }>()).refreshes;

async function runCron(): Promise<void> {
  const controller = createScheduledController({ scheduledTime: new Date(), cron: "*/5 * * * *" });
  const context = createExecutionContext();
  await worker.scheduled(controller, env, context);
  await waitOnExecutionContext(context);
}

describe("MCP server sign-in", () => {
  it("asks to sign in, then signs in via the callback page, and the tools work", async () => {
    const server = await addProtectedServer();
    expect(server.oauth).toBe("none");
    const refused = await api(`/mcp-servers/${server.id}/tools`);
    expect(refused.status).toBe(502);
    expect(await refused.json()).toMatchObject({ error: { code: "MCP_UNAVAILABLE", message: expect.stringContaining("sign in") } });

    const started = await api("/oauth/mcp/start", { method: "POST", body: JSON.stringify({ mcp_server_id: server.id }) });
    expect(started.status).toBe(200);
    const login = await started.json<{ authorize_url: string; state: string; redirect_uri: string; unofficial: boolean }>();
    expect(login).toMatchObject({ redirect_uri: `${ORIGIN}/api/v1/oauth/mcp/callback`, unofficial: false });
    const authorize = new URL(login.authorize_url);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: "code",
      code_challenge_method: "S256",
      state: login.state,
      redirect_uri: login.redirect_uri,
    });
    expect(authorize.searchParams.get("client_id")).toBeTruthy();

    const landing = await approveInBrowser(login.authorize_url);
    expect(landing.startsWith(`${ORIGIN}/api/v1/oauth/mcp/callback?`)).toBe(true);
    const page = await workerFetch(landing);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Signed in");

    const listed = (await client().mcpServers.list()).data.find((each) => each.id === server.id);
    expect(listed?.oauth).toBe("connected");
    const tools = await client().mcpServers.tools(server.id);
    expect(tools.data.map((tool) => tool.name)).toContain(`${server.name}__echo`);

    const { session } = await scriptedSession(
      [
        { steps: [{ kind: "tool_calls", calls: [{ id: "toolu_g1", name: `${server.name}__echo`, args: { message: "signed in" } }] }] },
        say("ok"),
      ],
      { approval_mode: "auto", extra: { enabled_mcp: [server.name] } },
    );
    const answer = await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "echo" }) });
    expect(await answer.json()).toMatchObject({ status: "completed" });
    const audit = await client().toolExecutions.list(session.id);
    expect(audit.data).toMatchObject([{ tool: `${server.name}__echo`, status: "ok", result_summary: "Echo: signed in" }]);
  });

  it("finishes with a pasted redirect URL (the TUI's loopback), and never returns the tokens", async () => {
    const server = await addProtectedServer();
    const started = await api("/oauth/mcp/start", {
      method: "POST",
      body: JSON.stringify({ mcp_server_id: server.id, redirect_uri: "http://localhost:53682/callback" }),
    });
    const login = await started.json<{ authorize_url: string; state: string }>();
    const landing = await approveInBrowser(login.authorize_url);
    expect(landing.startsWith("http://localhost:53682/callback?")).toBe(true);
    const finished = await api("/oauth/mcp/finish", { method: "POST", body: JSON.stringify({ state: login.state, code: landing }) });
    expect(finished.status).toBe(200);
    const body = await finished.text();
    expect(JSON.parse(body)).toMatchObject({ id: server.id, oauth: "connected" });
    expect(body).not.toMatch(/token/i);
    expect(JSON.stringify(await client().mcpServers.list())).not.toMatch(/access_token|refresh_token/);
  });

  it("refuses an unknown state, and a server id that does not exist", async () => {
    const unknown = await api("/oauth/mcp/finish", { method: "POST", body: JSON.stringify({ state: "nope", code: "abc" }) });
    expect(await unknown.json()).toMatchObject({ error: { code: "OAUTH_STATE_INVALID" } });
    const missing = await api("/oauth/mcp/start", {
      method: "POST",
      body: JSON.stringify({ mcp_server_id: "00000000-0000-4000-8000-000000000000" }),
    });
    expect(missing.status).toBe(404);
    const callback = await workerFetch(`${ORIGIN}/api/v1/oauth/mcp/callback?state=nope&code=abc`);
    expect(callback.status).toBe(400);
  });

  it("is refreshed by the cron before it expires, keeping the rotated tokens", async () => {
    const server = await addProtectedServer();
    await signIn(server);
    const before = await refreshes();
    await runCron();
    expect(await refreshes()).toBeGreaterThan(before);
    // The host dropped the old access token when it refreshed: these work only with the new one.
    const tools = await client().mcpServers.tools(server.id);
    expect(tools.data.map((tool) => tool.name)).toContain(`${server.name}__echo`);
    const listed = (await client().mcpServers.list()).data.find((each) => each.id === server.id);
    expect(listed?.oauth).toBe("connected");
    expect(JSON.stringify(listed)).not.toMatch(/access_token|refresh_token/);
  });

  it("survives two overlapping refreshers: the later one reads the tokens again under the lock", async () => {
    const server = await addProtectedServer();
    await signIn(server);
    const before = await refreshes();
    const lockKey = `lock:mcp-oauth-refresh:${server.id}`;
    const results = await withDb(async (db) => {
      const config = getConfig(env);
      const redis = openRedis(config);
      const deps = {
        db,
        keyRing: config.keyRing,
        redis,
        fetch: globalThis.fetch.bind(globalThis),
        log: createLogger(),
        now: () => Date.now(),
      };
      // Two isolates' crons, deterministically interleaved: the late one has read this server's
      // tokens and is about to take the lock when the early one runs from start to finish.
      let early: Promise<{ refreshed: number; failed: number }> | undefined;
      const lateRedis = new Proxy(redis, {
        get(target, property, receiver) {
          if (property === "set") {
            return async (...args: Parameters<typeof redis.set>) => {
              if (args[0] === lockKey) await (early ??= refreshDueMcpLogins(deps));
              return target.set(...args);
            };
          }
          const value: unknown = Reflect.get(target, property, receiver);
          return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      const late = await refreshDueMcpLogins({ ...deps, redis: lateRedis });
      return [await early, late];
    });
    expect(results.map((result) => result?.failed)).toEqual([0, 0]);
    // Every refresh the crons report happened on the server, and none was wasted on a dead token.
    expect((await refreshes()) - before).toBe(results.reduce((sum, result) => sum + (result?.refreshed ?? 0), 0));
    const listed = (await client().mcpServers.list()).data.find((each) => each.id === server.id);
    expect(listed?.oauth).toBe("connected");
    const tools = await client().mcpServers.tools(server.id);
    expect(tools.data.map((tool) => tool.name)).toContain(`${server.name}__echo`);
  });

  it("needs a new sign-in when the server no longer takes its refresh token", async () => {
    const server = await addProtectedServer();
    await signIn(server);
    await fetch(`${hostOrigin()}/__revoke`, { method: "POST" });
    await runCron();
    const listed = (await client().mcpServers.list()).data.find((each) => each.id === server.id);
    expect(listed?.oauth).toBe("needs_login");
  });
});
