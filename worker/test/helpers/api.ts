// Requests into the Worker under test, through its real fetch handler (no network).
import { createRestClient, type RestClient } from "@maestro/protocol";
import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";

export const ORIGIN = "http://maestro.test";

export function workerFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(input, init));
}

/** A raw request to /api/v1 with the test token (or the headers given). */
export function api(path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? env.MAESTRO_API_TOKEN : init.token;
  if (token !== null && token !== undefined) headers.set("authorization", `Bearer ${token}`);
  if (typeof init.body === "string" && !headers.has("content-type")) headers.set("content-type", "application/json");
  return workerFetch(`${ORIGIN}/api/v1${path}`, { ...init, headers });
}

/** The typed protocol client, pointed at the Worker under test. */
export function client(): RestClient {
  return createRestClient({ baseUrl: ORIGIN, token: env.MAESTRO_API_TOKEN, fetch: workerFetch });
}

export async function json(response: Response): Promise<unknown> {
  return response.json();
}
