// Proves: every route but /health refuses a request without the API token, or with a wrong one,
// with 401 and the error body; the agent tunnel, which takes agent tokens instead, refuses them
// too. Routes are enumerated from the OpenAPI document, so a route added later is covered
// without touching this file.
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api.ts";

interface Operation {
  method: string;
  path: string;
}

const SAMPLE_ID = "00000000-0000-4000-8000-000000000000";
const AGENT_TUNNEL = "/agents/connect";
const REFUSALS: Record<string, string> = { [AGENT_TUNNEL]: "Missing, invalid or revoked agent token." };
const isSocket = (path: string) => path.endsWith("/socket") || path === AGENT_TUNNEL;
let operations: Operation[] = [];

beforeAll(async () => {
  const response = await api("/openapi.json");
  expect(response.status).toBe(200);
  const document = await response.json<{ paths: Record<string, Record<string, unknown>> }>();
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path: path.replaceAll(/\{[^}]+\}/g, SAMPLE_ID) })),
  );
});

describe("authentication", () => {
  it("the OpenAPI document lists every resource", () => {
    const paths = new Set(operations.map((operation) => operation.path));
    for (const expected of ["/credentials", "/sessions", "/templates", "/tools", "/mcp-servers", "/agents", "/usage", "/health"]) {
      expect(paths).toContain(expected);
    }
    expect(operations.length).toBeGreaterThan(25);
  });

  it.each([
    ["no token", null],
    ["a wrong token", "not-the-token-0123456789"],
    ["an empty bearer", ""],
  ])("every route but /health answers 401 with %s", async (_name, token) => {
    // /health is public; /auth/session is where a browser signs in (tested in web-session.test.ts).
    const protectedOperations = operations.filter((operation) => operation.path !== "/health" && operation.path !== "/auth/session");
    for (const operation of [...protectedOperations, { method: "GET", path: "/openapi.json" }]) {
      const response = await api(operation.path, {
        method: operation.method,
        token,
        headers: isSocket(operation.path) ? { upgrade: "websocket" } : {},
        ...(["POST", "PATCH"].includes(operation.method) && { body: "{}" }),
      });
      expect(response.status, `${operation.method} ${operation.path}`).toBe(401);
      const message = REFUSALS[operation.path] ?? "Missing or invalid API token.";
      expect(await response.json()).toEqual({ error: { code: "UNAUTHORIZED", message } });
    }
  });

  it("refuses a token in another scheme", async () => {
    const response = await api("/sessions", { token: null, headers: { authorization: "Basic dGVzdA==" } });
    expect(response.status).toBe(401);
  });

  it("/health needs no token and reveals nothing secret", async () => {
    const response = await api("/health", { token: null });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, version: expect.any(String), db: "ok", redis: "ok" });
  });

  it("unknown paths answer 404 in the error shape, after authentication", async () => {
    const anonymous = await api("/nothing-here", { token: null });
    expect(anonymous.status).toBe(401);
    const authenticated = await api("/nothing-here");
    expect(authenticated.status).toBe(404);
    expect(await authenticated.json()).toMatchObject({ error: { code: "ROUTE_NOT_FOUND" } });
  });
});
