// Proves: the web UI's sign-in. The API token buys an HttpOnly, Secure, SameSite=Strict cookie
// (which never holds the token) and a CSRF token; the cookie reads the API, but changes nothing
// without the CSRF token; a socket on the cookie must come from this origin; signing out ends
// the session everywhere at once; a forged or wrong cookie, or a wrong token, gets nothing.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ORIGIN, api } from "../helpers/api.ts";
import { rowCounts } from "../helpers/db.ts";

async function signIn(): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const response = await api("/auth/session", { method: "POST", token: null, body: JSON.stringify({ token: env.MAESTRO_API_TOKEN }) });
  expect(response.status).toBe(200);
  const setCookie = response.headers.get("set-cookie") ?? "";
  const body = await response.json<{ csrf_token: string; expires_at: string }>();
  return { cookie: setCookie.split(";")[0] ?? "", csrf: body.csrf_token, setCookie };
}

const withCookie = (cookie: string, init: RequestInit = {}) => ({
  ...init,
  token: null,
  headers: { ...Object.fromEntries(new Headers(init.headers)), cookie },
});

describe("web sign-in", () => {
  it("trades the API token for a locked-down cookie that does not contain it", async () => {
    const { setCookie, cookie, csrf } = await signIn();
    expect(setCookie).toMatch(/^maestro_session=v1\./);
    for (const attribute of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"]) expect(setCookie).toContain(attribute);
    expect(setCookie).not.toContain(env.MAESTRO_API_TOKEN ?? "unset");
    expect(csrf.length).toBeGreaterThan(20);
    expect((await api("/auth/session", withCookie(cookie))).status).toBe(200);
  });

  it("refuses a wrong token without setting a cookie", async () => {
    const response = await api("/auth/session", { method: "POST", token: null, body: JSON.stringify({ token: "wrong-token-123456789" }) });
    expect(response.status).toBe(401);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("reads with the cookie, but changes nothing without the CSRF token", async () => {
    const { cookie, csrf } = await signIn();
    expect((await api("/sessions", withCookie(cookie))).status).toBe(200);
    const before = await rowCounts();
    const body = JSON.stringify({ provider: "anthropic", auth_type: "api_key", label: "csrf", api_key: "sk-ant-test-key-0000" });
    const forged = await api("/credentials", withCookie(cookie, { method: "POST", body, headers: { "content-type": "application/json" } }));
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    const wrong = await api(
      "/credentials",
      withCookie(cookie, { method: "POST", body, headers: { "content-type": "application/json", "x-csrf-token": "guess" } }),
    );
    expect(wrong.status).toBe(403);
    expect(await rowCounts()).toEqual(before);
    const allowed = await api(
      "/credentials",
      withCookie(cookie, { method: "POST", body, headers: { "content-type": "application/json", "x-csrf-token": csrf } }),
    );
    expect(allowed.status).toBe(201);
  });

  it("opens a socket on the cookie only from this origin", async () => {
    const { cookie } = await signIn();
    const created = await api("/sessions", {
      method: "POST",
      body: JSON.stringify({ provider: "anthropic", model: "claude-sonnet-4-5", title: "cookie socket" }),
    });
    const { id } = await created.json<{ id: string }>();
    const foreign = await api(
      `/sessions/${id}/socket`,
      withCookie(cookie, { headers: { upgrade: "websocket", origin: "https://evil.example" } }),
    );
    expect(foreign.status).toBe(403);
    const own = await api(`/sessions/${id}/socket`, withCookie(cookie, { headers: { upgrade: "websocket", origin: ORIGIN } }));
    expect(own.status).toBe(101);
    own.webSocket?.accept();
    own.webSocket?.close();
  });

  it("signs out everywhere at once, and refuses forged cookies", async () => {
    const { cookie, csrf } = await signIn();
    expect((await api("/auth/session", withCookie(cookie, { method: "DELETE" }))).status).toBe(403);
    const out = await api("/auth/session", withCookie(cookie, { method: "DELETE", headers: { "x-csrf-token": csrf } }));
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/maestro_session=;.*Max-Age=0/);
    expect((await api("/sessions", withCookie(cookie))).status).toBe(401);

    const live = (await signIn()).cookie;
    const [name, value] = live.split("=");
    const parts = (value ?? "").split(".");
    const forgedExpiry = `${name}=${[parts[0], parts[1], String(Number(parts[2]) + 1000), parts[3]].join(".")}`;
    expect((await api("/sessions", withCookie(forgedExpiry))).status).toBe(401);
    expect((await api("/sessions", withCookie(`${name}=v1.garbage`))).status).toBe(401);
  });
});
