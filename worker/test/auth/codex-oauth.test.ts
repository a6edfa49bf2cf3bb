// Proves: the Codex login and the token lifecycle against an OAuth simulator on loopback. The
// authorize URL is llxprt's, parameter for parameter; the code exchange goes out as captured and
// the state is checked (unknown, mismatched, replayed); the tokens become an encrypted credential
// with its expiry; a session on it calls the Codex endpoint as the right account. A token about to
// expire is refreshed before the call — exactly once for ten concurrent calls — and the rotated
// refresh token is kept; invalid_grant marks the credential for a new login and tells watching
// clients, a 500 or a slow server is recorded without breaking the turn; the cron refreshes only
// what is due; the device-code flow works; and no token reaches a response or a log line.
import type { CredentialId } from "@maestro/protocol";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:test";
import { afterEach, describe, expect, inject, it } from "vitest";
import worker from "../../src/index.ts";
import { api, client } from "../helpers/api.ts";
import { openFeed } from "../helpers/feed.ts";
import { captureLogs } from "../helpers/logs.ts";
import { say, scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket } from "../helpers/socket.ts";
import {
  credentialNow,
  loginCodex,
  refreshCount,
  refreshNow,
  refreshesFor,
  setMode,
  sim,
  stats,
  storedTokens,
} from "../helpers/oauth-sim.ts";
import { recordedRequests, registerScript } from "../simulators/client.ts";
import codexFlowCapture from "../fixtures/fidelity/llxprt-codex-oauth-flow.json";

async function codexSession(credentialId: CredentialId, accountId: string, turns = [say("Hi from Codex.")]) {
  await registerScript(inject("simulatorUrl"), accountId, turns);
  return client().sessions.create({ provider: "codex", model: "gpt-5.5", credential_id: credentialId, approval_mode: "auto" });
}

async function send(sessionId: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await api(`/sessions/${sessionId}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "hello" }) });
  return { status: response.status, body: await response.json() };
}

afterEach(async () => {
  await setMode({});
});

const issuer = () => inject("oauthIssuer");

type CapturedTokenRequest = (typeof codexFlowCapture.requests)[number];

/** The headers fidelity compares: not transport ones (REFERENCE §0), nor the runtime's CF-Worker. */
function comparedHeaders(headers: readonly (readonly string[])[]): Set<string> {
  const exempt = new Set(["host", "connection", "content-length", "accept-encoding", "cf-worker"]);
  return new Set(
    headers.filter(([name]) => !exempt.has(String(name).toLowerCase())).map(([name, value]) => `${name?.toLowerCase()}: ${value}`),
  );
}

/**
 * A token request the simulator saw, against llxprt's captured one: the same headers (as a set:
 * workerd re-orders them, see providers/fidelity.test.ts) and the same form fields in the same order.
 */
function expectAsCaptured(seen: { headers: [string, string][]; raw: string } | undefined, captured: CapturedTokenRequest | undefined) {
  if (seen === undefined || captured === undefined) throw new Error("no token request to compare");
  expect(comparedHeaders(seen.headers)).toEqual(comparedHeaders(captured.headers));
  expect([...new URLSearchParams(seen.raw).keys()]).toEqual(Object.keys(captured.body.fields ?? {}));
  expect(new URLSearchParams(seen.raw).get("client_id")).toBe(captured.body.fields?.client_id);
}

describe("Codex login", () => {
  it("builds llxprt's authorize URL, parameter for parameter", async () => {
    const response = await api("/oauth/codex/start", { method: "POST", body: "{}" });
    expect(response.status).toBe(200);
    const started = await response.json<{ authorize_url: string; state: string; redirect_uri: string; unofficial: boolean }>();
    expect(started).toMatchObject({ redirect_uri: "http://localhost:1455/auth/callback", unofficial: true });
    const url = new URL(started.authorize_url);
    expect(`${url.origin}${url.pathname}`).toBe(`${issuer()}/oauth/authorize`);
    expect([...url.searchParams.keys()]).toEqual([
      "response_type",
      "client_id",
      "redirect_uri",
      "scope",
      "code_challenge",
      "code_challenge_method",
      "id_token_add_organizations",
      "codex_cli_simplified_flow",
      "state",
      "originator",
      "theme",
    ]);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
      redirect_uri: "http://localhost:1455/auth/callback",
      scope: "openid profile email offline_access",
      code_challenge_method: "S256",
      id_token_add_organizations: "true",
      codex_cli_simplified_flow: "true",
      state: started.state,
      originator: "codex_cli_rs",
      theme: "dark",
    });
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.authorize_url).toContain("scope=openid%20profile%20email%20offline_access");
  });

  it("exchanges the code as llxprt does and stores an encrypted credential with its expiry", async () => {
    const logs = captureLogs();
    const credential = await loginCodex("acct-login-0001");
    logs.stop();
    expect(credential).toMatchObject({ provider: "codex", auth_type: "oauth", hint: "…0001", needs_reauth: false, last_error: null });
    expect(Date.parse(credential.expires_at ?? "") - Date.now()).toBeGreaterThan(55 * 60 * 1000);

    const exchange = (await stats()).requests.filter((request) => request.grant === "authorization_code").at(-1);
    expectAsCaptured(exchange, codexFlowCapture.requests[0]);
    expect(new URLSearchParams(exchange?.raw).get("redirect_uri")).toBe("http://localhost:1455/auth/callback");

    const listed = JSON.stringify(await client().credentials.list());
    expect(listed).not.toMatch(/\b(at|rt)-[0-9a-f-]{36}/);
    expect(logs.lines.join("\n")).not.toMatch(/\b(at|rt)-[0-9a-f-]{36}/);
  });

  it("checks the state: unknown, mismatched, and replayed logins are refused", async () => {
    const unknown = await api("/oauth/codex/finish", { method: "POST", body: JSON.stringify({ state: "nope", code: "abc" }) });
    expect(unknown.status).toBe(400);
    expect((await unknown.json<{ error: { code: string } }>()).error.code).toBe("OAUTH_STATE_INVALID");

    const started = await (
      await api("/oauth/codex/start", { method: "POST", body: "{}" })
    ).json<{ authorize_url: string; state: string }>();
    const location = (await fetch(started.authorize_url, { redirect: "manual" })).headers.get("location") ?? "";
    const forged = location.replace(/state=[^&]+/, "state=someone-else");
    const mismatch = await api("/oauth/codex/finish", { method: "POST", body: JSON.stringify({ state: started.state, code: forged }) });
    expect(await mismatch.json()).toMatchObject({ error: { code: "OAUTH_STATE_INVALID" } });

    const first = await api("/oauth/codex/finish", { method: "POST", body: JSON.stringify({ state: started.state, code: location }) });
    expect(first.status).toBe(201);
    const replay = await api("/oauth/codex/finish", { method: "POST", body: JSON.stringify({ state: started.state, code: location }) });
    expect(await replay.json()).toMatchObject({ error: { code: "OAUTH_STATE_INVALID" } });
  });

  it("accepts the bare code, and only Codex's loopback redirect", async () => {
    const started = await (
      await api("/oauth/codex/start", { method: "POST", body: "{}" })
    ).json<{ authorize_url: string; state: string }>();
    const code = new URL((await fetch(started.authorize_url, { redirect: "manual" })).headers.get("location") ?? "").searchParams.get(
      "code",
    );
    const finished = await api("/oauth/codex/finish", { method: "POST", body: JSON.stringify({ state: started.state, code }) });
    expect(finished.status).toBe(201);
    const elsewhere = await api("/oauth/codex/start", {
      method: "POST",
      body: JSON.stringify({ redirect_uri: "https://evil.example/cb" }),
    });
    expect(await elsewhere.json()).toMatchObject({ error: { code: "INVALID_REQUEST", fields: [{ field: "redirect_uri" }] } });
  });

  it("signs in with a device code when no browser can reach the redirect", async () => {
    const started = await api("/oauth/codex/device/start", { method: "POST", body: "{}" });
    const device = await started.json<{ state: string; user_code: string; verification_uri: string }>();
    expect(device.verification_uri).toBe("https://auth.openai.com/codex/device");
    const pending = await api("/oauth/codex/device/poll", { method: "POST", body: JSON.stringify({ state: device.state }) });
    expect(pending.status).toBe(202);
    await sim("/__oauth/device/approve", { user_code: device.user_code, account_id: "acct-device-7777" });
    const done = await api("/oauth/codex/device/poll", { method: "POST", body: JSON.stringify({ state: device.state }) });
    expect(done.status).toBe(201);
    expect(await done.json()).toMatchObject({ provider: "codex", hint: "…7777" });
    const usercode = (await stats()).requests.filter((request) => request.grant === "device_usercode").at(-1);
    expect(JSON.parse(usercode?.raw ?? "{}")).toEqual({ client_id: "app_EMoamEEZ73f0CkXaXp7hrann" });
  });
});

describe("Codex sessions and token refresh", () => {
  it("calls the Codex endpoint as the signed-in account", async () => {
    const credential = await loginCodex("acct-chat-1001");
    const session = await codexSession(credential.id, "acct-chat-1001");
    expect(await send(session.id)).toMatchObject({ status: 200, body: { status: "completed" } });
    const [request] = await recordedRequests(inject("simulatorUrl"), "acct-chat-1001");
    const headers = new Map(request?.headers.map(([name, value]) => [name.toLowerCase(), value]));
    expect(headers.get("chatgpt-account-id")).toBe("acct-chat-1001");
    expect(headers.get("originator")).toBe("codex_cli_rs");
    expect(headers.get("session_id")).toBe(session.id);
    expect(headers.get("authorization")).toMatch(/^Bearer at-/);
  });

  it("refreshes a token about to expire before the call, once for ten concurrent calls, keeping the rotated refresh token", async () => {
    const credential = await loginCodex("acct-burst-2002", { expiresIn: 60 });
    const sessions = await Promise.all(
      Array.from({ length: 10 }, async () => {
        await registerScript(
          inject("simulatorUrl"),
          "acct-burst-2002",
          Array.from({ length: 10 }, () => say("ok")),
        );
        return client().sessions.create({ provider: "codex", model: "gpt-5.5", credential_id: credential.id, approval_mode: "auto" });
      }),
    );
    const before = await refreshCount();
    const tokensBefore = await storedTokens(credential.id);
    // A slow answer, so all ten are waiting on it at once. The new token lives an hour, so no
    // call that comes after the refresh finds it due again: exactly one refresh, however they interleave.
    await setMode({ delayMs: 300, expiresIn: 3600 });
    const logs = captureLogs();
    const results = await Promise.all(sessions.map((session) => send(session.id)));
    logs.stop();
    expect(logs.lines.some((line) => line.includes("oauth.refreshed"))).toBe(true);
    expect(logs.lines.join("\n")).not.toMatch(/\b(at|rt)-[0-9a-f-]{36}/);
    expect(JSON.stringify(results)).not.toMatch(/\b(at|rt)-[0-9a-f-]{36}/);
    expect(results.map((result) => result.body.status)).toEqual(Array(10).fill("completed"));
    expect((await refreshCount()) - before).toBe(1);
    const refreshed = await credentialNow(credential.id);
    expect(Date.parse(refreshed?.expires_at ?? "")).toBeGreaterThan(Date.parse(credential.expires_at ?? ""));

    // The simulator rotates refresh tokens and refuses a used one: this second refresh (forced,
    // the token being fresh) can only succeed if the rotated token was stored.
    await setMode({});
    expect((await storedTokens(credential.id))?.refresh_token).not.toBe(tokensBefore?.refresh_token);
    expect(await refreshNow(credential.id)).toEqual({ status: "refreshed" });
    expect(await credentialNow(credential.id)).toMatchObject({ needs_reauth: false, last_error: null });
  });

  it("refreshes as llxprt does: its headers, and grant_type, refresh_token, client_id in that order", async () => {
    const credential = await loginCodex("acct-refresh-fidelity-2102", { expiresIn: 60 });
    const stored = await storedTokens(credential.id);
    const session = await codexSession(credential.id, "acct-refresh-fidelity-2102");
    expect(await send(session.id)).toMatchObject({ body: { status: "completed" } });
    const [refresh, ...more] = await refreshesFor("acct-refresh-fidelity-2102");
    expect(more).toHaveLength(0);
    const captured = codexFlowCapture.requests[1];
    expect(captured?.body.fields?.grant_type).toBe("refresh_token");
    expectAsCaptured(refresh, captured);
    expect(Object.fromEntries(new URLSearchParams(refresh?.raw))).toEqual({
      grant_type: "refresh_token",
      refresh_token: stored?.refresh_token,
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
    });
  });

  it("marks a revoked login for a new sign-in, tells watching clients, and breaks nothing else", async () => {
    const credential = await loginCodex("acct-revoked-3003", { expiresIn: 30 });
    const watched = await codexSession(credential.id, "acct-revoked-3003");
    const web = await joinSocket(watched.id, "web");
    const feed = await openFeed(); // a credentials page: told too, though it watches no session
    const other = await codexSession(credential.id, "acct-revoked-3003");
    await setMode({ kind: "invalid_grant" });
    const failed = await send(other.id);
    expect(failed.body).toMatchObject({ status: "failed" });
    expect(JSON.stringify(failed.body)).toContain("needs a new login");
    const update = await web.next("credential_update");
    expect(update.credential).toMatchObject({
      id: credential.id,
      needs_reauth: true,
      last_error: expect.stringContaining("invalid_grant"),
    });
    expect(await credentialNow(credential.id)).toMatchObject({ needs_reauth: true, last_error: expect.stringContaining("invalid_grant") });
    await feed.nextForCredential(credential.id);
    feed.close();
    web.close();

    const { session: unaffected } = await scriptedSession([say("Still fine.")]);
    expect(await send(unaffected.id)).toMatchObject({ body: { status: "completed" } });

    // Signing in again for the same credential brings its sessions back.
    await setMode({});
    const again = await loginCodex("acct-revoked-3003", { credentialId: credential.id });
    expect(again).toMatchObject({ id: credential.id, needs_reauth: false, last_error: null });
    await registerScript(inject("simulatorUrl"), "acct-revoked-3003", [say("Back.")]);
    expect(await send(other.id)).toMatchObject({ body: { status: "completed" } });
  });

  it("keeps tokens an error text echoes out of last_error and the logs, and keeps last_error short", async () => {
    const jwtLike = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLXNpbSJ9.c2lnbmF0dXJlLXNpbQ";
    const bearer = "Bearer opaque-access-0123456789abcdef";
    for (const kind of ["invalid_grant", "error500"]) {
      const credential = await loginCodex(`acct-echo-${kind}`, { expiresIn: 60 });
      const presented = (await storedTokens(credential.id))?.refresh_token ?? "";
      expect(presented).toMatch(/^rt-/);
      const session = await codexSession(credential.id, `acct-echo-${kind}`);
      await setMode({
        kind,
        description: `refresh_token {refresh_token} rejected; id_token ${jwtLike}; sent ${bearer}; ${"details ".repeat(100)}`,
      });
      const logs = captureLogs();
      const answered = JSON.stringify(await send(session.id));
      logs.stop();
      const listed = JSON.stringify(await client().credentials.list());
      for (const secret of [presented, jwtLike, bearer]) {
        expect(listed).not.toContain(secret);
        expect(answered).not.toContain(secret);
        expect(logs.lines.join("\n")).not.toContain(secret);
      }
      const lastError = (await credentialNow(credential.id))?.last_error ?? "";
      expect(lastError).toContain(kind === "invalid_grant" ? "invalid_grant" : "server_error");
      expect(lastError).toContain("rejected");
      expect(lastError.length).toBeLessThan(300);
      await setMode({});
    }
  });

  it("records a 500 and a slow sign-in server without failing a call whose token still works", async () => {
    for (const mode of [{ kind: "error500" }, { kind: "slow", delayMs: 3000 }]) {
      const credential = await loginCodex(`acct-flaky-${mode.kind}`, { expiresIn: 120 });
      const session = await codexSession(credential.id, `acct-flaky-${mode.kind}`);
      await setMode(mode);
      expect(await send(session.id)).toMatchObject({ body: { status: "completed" } });
      const after = await credentialNow(credential.id);
      expect(after?.needs_reauth).toBe(false);
      expect(after?.last_error).toMatch(mode.kind === "slow" ? /did not answer/ : /server_error/);
      await setMode({});
    }
  });
});

async function runCron(): Promise<void> {
  const context = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env, context);
  await waitOnExecutionContext(context);
}

describe("the Cron Trigger", () => {
  it("refreshes what expires within ten minutes, and only that", async () => {
    const due = await loginCodex("acct-cron-due-4004", { expiresIn: 5 * 60 });
    const later = await loginCodex("acct-cron-later-5005", { expiresIn: 60 * 60 });
    const laterTokens = await storedTokens(later.id);
    await runCron();
    const [dueAfter, laterAfter] = [await credentialNow(due.id), await credentialNow(later.id)];
    expect(Date.parse(dueAfter?.expires_at ?? "") - Date.now()).toBeGreaterThan(55 * 60 * 1000);
    // Untouched: the same expiry, the same stored tokens, and its refresh token never presented.
    expect(laterAfter?.expires_at).toBe(later.expires_at);
    expect(await storedTokens(later.id)).toEqual(laterTokens);
    expect(await refreshesFor("acct-cron-later-5005")).toHaveLength(0);
  });
});
