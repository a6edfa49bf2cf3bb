// Proves: sign-in is limited per client address (the N+1th attempt from one address gets 429
// RATE_LIMITED with retry-after, another address is unaffected, and the window passing frees
// it), and wrong API tokens and wrong agent tokens at the tunnel count as attempts; the API is limited per principal, whatever address it comes from, and the streaming route
// is counted once answered (Redis is not asked before its handler runs; a burst is counted in one
// go, each request once) and refused once the budget is spent; Redis being down lets every request through with a warning that holds no
// secret. The real middleware and rules, against the real Upstash-REST stand-in; time moves with
// a fake clock, not sleeps.
import { env } from "cloudflare:test";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { requestContext } from "../../src/middleware/request-context.ts";
import { type AppEnv, services } from "../../src/middleware/services.ts";
import { createApp } from "../../src/app.ts";
import { getConfig } from "../../src/env.ts";
import { AppError, toErrorBody } from "../../src/errors.ts";
import { presentsApiToken, requireApiToken } from "../../src/middleware/auth.ts";
import { createRateLimit } from "../../src/rate-limit/middleware.ts";
import { apiRule, ipv6Prefix64, signInRule } from "../../src/rate-limit/rules.ts";
import { presentsAgentToken, requireAgentToken } from "../../src/routes/agent-tunnel.ts";
import { api } from "../helpers/api.ts";
import { createAgent } from "../helpers/fake-agent.ts";
import { captureLogs } from "../helpers/logs.ts";

interface Harness {
  request(path: string, init?: RequestInit & { ip?: string }): Promise<Response>;
  /** Wait for what was counted after answering (countLater). */
  settle(): Promise<void>;
}

/** The app's two limits on stand-in routes, with the settings given (and fresh Redis keys). */
function harness(vars: Record<string, string>): Harness {
  const app = new Hono<AppEnv>();
  app.use("*", requestContext, services);
  const signInLimit = createRateLimit(signInRule);
  app.post("/api/v1/auth/session", signInLimit.everyRequest, (c) => c.json({ signed_in: true }));
  app.use("/api/v1/sessions/*", signInLimit.failuresOf(requireApiToken, presentsApiToken));
  // The tunnel's real guard, wired as app.ts wires it; the stand-in answers instead of the AgentDO.
  app.use("/api/v1/agents/connect", signInLimit.failuresOf(requireAgentToken, presentsAgentToken));
  app.get("/api/v1/agents/connect", (c) => c.json({ agent: c.var.agentId }));
  const apiLimit = createRateLimit(apiRule).everyRequest;
  app.get("/api/v1/sessions", apiLimit, (c) => c.json({ sessions: [] }));
  // Says whether Redis had been asked by the time the route answered (`pending` holds the counts).
  app.post("/api/v1/sessions/:id/messages", apiLimit, (c) => c.json({ streamed: true, counting: pending.length > 0 }));
  // The app's boundary, in short: an AppError is its status and body.
  app.onError((error, c) =>
    error instanceof AppError ? c.json(toErrorBody(error), error.status as 401) : c.json({ error: String(error) }, 500),
  );
  const pending: Promise<unknown>[] = [];
  const ctx = { waitUntil: (promise: Promise<unknown>) => void pending.push(promise), passThroughOnException: () => undefined, props: {} };
  // A new env object is a new config (getConfig caches per object).
  const bindings = { ...env, ...vars };
  return {
    request: (path, { ip, ...init } = {}) => {
      const headers = new Headers(init.headers);
      if (ip !== undefined) headers.set("cf-connecting-ip", ip);
      // The right token unless the test says otherwise (null: none).
      if (!headers.has("authorization") && !headers.has("x-no-token")) headers.set("authorization", `Bearer ${env.MAESTRO_API_TOKEN}`);
      headers.delete("x-no-token");
      return Promise.resolve(app.request(path, { ...init, headers }, bindings, ctx as unknown as ExecutionContext));
    },
    settle: async () => {
      await Promise.all(pending.splice(0));
    },
  };
}

// Addresses unique to this run, so the shared Redis holds no counts from an earlier one.
const run = crypto.randomUUID().slice(0, 8);
const address = (name: string) => `203.0.113.${name}-${run}`;
const signIn = (h: Harness, ip: string) => h.request("/api/v1/auth/session", { method: "POST", ip });

afterEach(() => {
  vi.useRealTimers();
});

/**
 * Stops the clock at the start of the current minute, for a test that counts attempts against a
 * one-minute window. On the real clock such a test can straddle two windows, and a sliding window
 * weighs the last window's count down as the new one goes on: the attempt just past the limit,
 * made a few milliseconds into the next minute, is let through (seen in CI).
 */
function inOneWindow(): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Math.floor(Date.now() / 60_000) * 60_000);
}

describe("sign-in limit (per client address)", () => {
  it("refuses the attempt past the limit with 429, retry-after and RATE_LIMITED, and only for that address", async () => {
    inOneWindow();
    const h = harness({ MAESTRO_SIGN_IN_RATE_LIMIT: "3/1m" });
    const guesser = address("1");
    for (let attempt = 1; attempt <= 3; attempt++) {
      const response = await signIn(h, guesser);
      expect(response.status).toBe(200);
      expect(response.headers.get("ratelimit-limit")).toBe("3");
      expect(response.headers.get("ratelimit-remaining")).toBe(String(3 - attempt));
    }
    const refused = await signIn(h, guesser);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    const body = await refused.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe("RATE_LIMITED");
    expect(body.error.message).toMatch(/Too many sign-in attempts.*Try again in \d+ s\./);

    // Another address is not affected.
    expect((await signIn(h, address("2"))).status).toBe(200);
  });

  it("counts an IPv6 client per /64, so rotating addresses inside it does not reset the count", async () => {
    expect(ipv6Prefix64("2001:db8:0:1::5")).toBe("2001:db8:0:1::/64");
    expect(ipv6Prefix64("2001:0DB8:0000:0001:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:0:1::/64");
    expect(ipv6Prefix64("::1")).toBe("0:0:0:0::/64");
    expect(ipv6Prefix64("203.0.113.7")).toBeUndefined();
    expect(ipv6Prefix64("not:an:address")).toBeUndefined();
    inOneWindow();
    const h = harness({ MAESTRO_SIGN_IN_RATE_LIMIT: "2/1m" });
    const prefix = `2001:db8:${parseInt(run.slice(0, 4), 16).toString(16)}:${parseInt(run.slice(4, 8), 16).toString(16)}`;
    expect((await signIn(h, `${prefix}::1`)).status).toBe(200);
    expect((await signIn(h, `${prefix}:0:0:0:2`)).status).toBe(200);
    expect((await signIn(h, `${prefix}::3`)).status).toBe(429);
    expect((await signIn(h, `${prefix.replace("2001:db8:", "2001:db9:")}::1`)).status).toBe(200);
  });

  it("lets the address in again once the window has passed", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.UTC(2030, 0, 1, 12, 0, 0));
    const h = harness({ MAESTRO_SIGN_IN_RATE_LIMIT: "2/1m" });
    const ip = address("3");
    expect((await signIn(h, ip)).status).toBe(200);
    expect((await signIn(h, ip)).status).toBe(200);
    const refused = await signIn(h, ip);
    expect(refused.status).toBe(429);
    vi.setSystemTime(Date.now() + 30_000);
    expect((await signIn(h, ip)).status).toBe(429);
    // A sliding window forgets the old attempts once a whole window has passed since them.
    vi.setSystemTime(Date.now() + 2 * 60_000);
    expect((await signIn(h, ip)).status).toBe(200);
  });
});

describe("wrong API tokens (counted as sign-in attempts)", () => {
  it("refuses an address that offered too many wrong tokens, even its right one, but no other address or signed-in browser", async () => {
    inOneWindow();
    const h = harness({ MAESTRO_SIGN_IN_RATE_LIMIT: "3/1m" });
    const guesser = address("h");
    const guess = (token: string) => h.request("/api/v1/sessions", { ip: guesser, headers: { authorization: `Bearer ${token}` } });
    for (let attempt = 0; attempt < 3; attempt++) expect((await guess(`wrong-token-${attempt}-0123456789`)).status).toBe(401);
    const refused = await guess("wrong-token-3-0123456789");
    expect(refused.status).toBe(429);
    expect((await refused.json<{ error: { code: string } }>()).error.code).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Refused before the token is compared: a right guess now would tell the guesser nothing.
    expect((await guess(env.MAESTRO_API_TOKEN ?? "unset")).status).toBe(429);
    expect((await h.request("/api/v1/sessions", { ip: address("i") })).status).toBe(200);
    // A browser signed in earlier keeps working from that address: its cookie is not a guess.
    const signedIn = await api("/auth/session", { method: "POST", token: null, body: JSON.stringify({ token: env.MAESTRO_API_TOKEN }) });
    const cookie = (signedIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).toMatch(/^maestro_session=/);
    const page = await h.request("/api/v1/sessions", { ip: guesser, headers: { cookie, "x-no-token": "1" } });
    expect(page.status).toBe(200);
  });

  it("does not count requests that offer no token (a signed-out page polling)", async () => {
    const h = harness({ MAESTRO_SIGN_IN_RATE_LIMIT: "2/1m" });
    const ip = address("j");
    for (let request = 0; request < 5; request++)
      expect((await h.request("/api/v1/sessions", { ip, headers: { "x-no-token": "1" } })).status).toBe(401);
    expect((await h.request("/api/v1/sessions", { ip, headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
    expect((await h.request("/api/v1/sessions", { ip })).status).toBe(200);
  });
});

describe("wrong agent tokens (counted as sign-in attempts)", () => {
  it("refuses an address that offered too many wrong agent tokens at the tunnel, even a live one, but not another address", async () => {
    inOneWindow();
    const h = harness({ MAESTRO_SIGN_IN_RATE_LIMIT: "3/1m" });
    const agent = await createAgent();
    const dial = (ip: string, token: string | null) =>
      h.request("/api/v1/agents/connect", {
        ip,
        headers: token === null ? { upgrade: "websocket", "x-no-token": "1" } : { upgrade: "websocket", authorization: `Bearer ${token}` },
      });
    const guesser = address("k");
    // Dialing without a token is not a guess (and nothing is counted for it).
    for (let attempt = 0; attempt < 4; attempt++) expect((await dial(guesser, null)).status).toBe(401);
    for (let attempt = 0; attempt < 3; attempt++) {
      const refused = await dial(guesser, `mae_agent_wrong-${attempt}-0123456789`);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ error: { code: "UNAUTHORIZED", message: "Missing, invalid or revoked agent token." } });
    }
    const limited = await dial(guesser, "mae_agent_wrong-3-0123456789");
    expect(limited.status).toBe(429);
    expect((await limited.json<{ error: { code: string } }>()).error.code).toBe("RATE_LIMITED");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Refused before the token is looked up: a right guess now tells the guesser nothing.
    expect((await dial(guesser, agent.token)).status).toBe(429);
    // The agent dialing from elsewhere is let through, and the route learns which agent it is.
    const elsewhere = await dial(address("l"), agent.token);
    expect(elsewhere.status).toBe(200);
    expect(await elsewhere.json()).toEqual({ agent: agent.id });
  });
});

describe("the app's own wiring", () => {
  it("counts wrong agent tokens at the tunnel as sign-in attempts", async () => {
    inOneWindow();
    const app = createApp();
    const bindings = { ...env, MAESTRO_SIGN_IN_RATE_LIMIT: "2/1m" };
    const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;
    const ip = address("m");
    const dial = (token: string) =>
      app.request(
        "/api/v1/agents/connect",
        { headers: { upgrade: "websocket", authorization: `Bearer ${token}`, "cf-connecting-ip": ip } },
        bindings,
        ctx,
      );
    expect((await dial("mae_agent_wrong-0-0123456789")).status).toBe(401);
    expect((await dial("mae_agent_wrong-1-0123456789")).status).toBe(401);
    expect((await dial("mae_agent_wrong-2-0123456789")).status).toBe(429);
  });
});

describe("API limit (per principal)", () => {
  it("counts every address of the one principal together and refuses past the limit", async () => {
    const h = harness({ MAESTRO_API_RATE_LIMIT: "4/1m", MAESTRO_SIGN_IN_RATE_LIMIT: "100/1m" });
    vi.useFakeTimers({ toFake: ["Date"] });
    // A window of its own: the principal's key is shared with the other tests in this file.
    vi.setSystemTime(Date.UTC(2031, 0, 1, 12, 0, 0));
    for (const ip of ["a", "b", "c", "d"]) expect((await h.request("/api/v1/sessions", { ip: address(ip) })).status).toBe(200);
    const refused = await h.request("/api/v1/sessions", { ip: address("e") });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await refused.json<{ error: { code: string } }>()).error.code).toBe("RATE_LIMITED");
    // The sign-in limit is its own budget.
    expect((await signIn(h, address("a"))).status).toBe(200);
  });

  it("counts the streaming route after answering, and refuses it once the budget is spent", async () => {
    const h = harness({ MAESTRO_API_RATE_LIMIT: "2/1m" });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.UTC(2032, 0, 1, 12, 0, 0));
    const send = () => h.request("/api/v1/sessions/s1/messages", { method: "POST", ip: address("f") });
    // Answered before Redis is asked (the count starts once the route has answered); no limit
    // headers, since no verdict was waited for.
    const first = await send();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ streamed: true, counting: false });
    expect(first.headers.get("ratelimit-limit")).toBeNull();
    await h.settle();
    expect((await send()).status).toBe(200);
    await h.settle();
    expect((await send()).status).toBe(200); // the third is over, but only its own count says so
    await h.settle();
    expect((await send()).status).toBe(429);
    expect((await h.request("/api/v1/sessions", { ip: address("f") })).status).toBe(429);
  });

  it("counts a burst of streaming requests together, each of them once", async () => {
    const h = harness({ MAESTRO_API_RATE_LIMIT: "6/1m" });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.UTC(2033, 0, 1, 12, 0, 0));
    const send = () => h.request("/api/v1/sessions/s1/messages", { method: "POST", ip: address("h") });
    // Five at once: answered, then counted in one go a moment later.
    const burst = await Promise.all(Array.from({ length: 5 }, send));
    expect(burst.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    await h.settle();
    // Five counted, not one and not ten: the sixth request is the last the budget allows.
    expect((await h.request("/api/v1/sessions", { ip: address("h") })).status).toBe(200);
    expect((await h.request("/api/v1/sessions", { ip: address("h") })).status).toBe(429);
  });
});

describe("Redis down", () => {
  it("lets sign-in and the API through with a warning that holds no secret", async () => {
    const h = harness({
      MAESTRO_SIGN_IN_RATE_LIMIT: "1/1m",
      MAESTRO_API_RATE_LIMIT: "1/1m",
      // Nothing listens on port 9 of loopback.
      UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
    });
    const logs = captureLogs();
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        expect((await signIn(h, address("g"))).status).toBe(200);
        expect((await h.request("/api/v1/sessions", { ip: address("g") })).status).toBe(200);
      }
    } finally {
      logs.stop();
    }
    const warnings = logs.lines.filter((line) => line.includes("rate_limit.unavailable"));
    expect(warnings.length).toBe(6);
    expect(warnings.some((line) => line.includes('"limit":"sign_in"'))).toBe(true);
    expect(warnings.some((line) => line.includes('"limit":"api"'))).toBe(true);
    for (const line of logs.lines) {
      expect(line).not.toContain(env.UPSTASH_REDIS_REST_TOKEN ?? "unset");
      expect(line).not.toContain(env.MAESTRO_API_TOKEN ?? "unset");
    }
  });
});

describe("settings", () => {
  const configWith = (vars: Record<string, string>) => getConfig({ ...env, ...vars });

  it("reads <requests>/<window> and off, and defaults to 10/1m and 3000/1m", () => {
    expect(configWith({ MAESTRO_SIGN_IN_RATE_LIMIT: "30/10s", MAESTRO_API_RATE_LIMIT: "off" }).rateLimits).toEqual({
      signIn: { requests: 30, windowSeconds: 10 },
      api: undefined,
    });
    expect(configWith({ MAESTRO_SIGN_IN_RATE_LIMIT: "", MAESTRO_API_RATE_LIMIT: "" }).rateLimits).toEqual({
      signIn: { requests: 10, windowSeconds: 60 },
      api: { requests: 3000, windowSeconds: 60 },
    });
    expect(configWith({ MAESTRO_API_RATE_LIMIT: "5 / 2h" }).rateLimits.api).toEqual({ requests: 5, windowSeconds: 7200 });
  });

  it("refuses a setting it cannot read, naming the key", () => {
    for (const bad of ["ten a minute", "0/1m", "10/0s", "10/1d", "10"]) {
      let thrown: unknown;
      try {
        configWith({ MAESTRO_SIGN_IN_RATE_LIMIT: bad });
      } catch (error) {
        thrown = error;
      }
      expect(thrown, bad).toBeInstanceOf(AppError);
      expect((thrown as AppError).code).toBe("CONFIG_INVALID");
      expect((thrown as AppError).internal).toContain("MAESTRO_SIGN_IN_RATE_LIMIT");
    }
  });

  it("turns a limit off", async () => {
    const h = harness({ MAESTRO_SIGN_IN_RATE_LIMIT: "off" });
    for (let attempt = 0; attempt < 12; attempt++) {
      const response = await signIn(h, address("k"));
      expect(response.status).toBe(200);
      expect(response.headers.get("ratelimit-limit")).toBeNull();
    }
  });
});

describe("the app's wiring", () => {
  it("counts sign-in attempts and API requests, but not the signed-in check or the health probe", async () => {
    const signInResponse = await api("/auth/session", {
      method: "POST",
      token: null,
      body: JSON.stringify({ token: "wrong-token-123456789" }),
    });
    expect(signInResponse.status).toBe(401);
    expect(signInResponse.headers.get("ratelimit-limit")).toBe("100000");
    const listed = await api("/sessions");
    expect(listed.status).toBe(200);
    expect(listed.headers.get("ratelimit-limit")).toBe("100000");
    expect((await api("/auth/session", { token: null })).headers.get("ratelimit-limit")).toBeNull();
    expect((await api("/health", { token: null })).headers.get("ratelimit-limit")).toBeNull();
  });
});
