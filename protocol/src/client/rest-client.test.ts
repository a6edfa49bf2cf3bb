// Proves: the REST client sends the token and body it should, validates answers, and turns every
// kind of failure into an ApiError with the server's code and field names.
import { describe, expect, it } from "vitest";
import { SAMPLE_SESSION } from "../testing/samples.ts";
import { ApiError } from "./api-error.ts";
import { createRestClient } from "./rest-client.ts";

interface Recorded {
  url: string;
  method: string;
  headers: Headers;
  body: string | null;
}

function fakeFetch(answer: () => Response | Promise<Response>) {
  const calls: Recorded[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    calls.push({
      url: typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers),
      body: typeof init?.body === "string" ? init.body : null,
    });
    return answer();
  };
  return { calls, fetchImpl };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("createRestClient", () => {
  it("sends the bearer token, JSON body and query, and returns the validated answer", async () => {
    const { calls, fetchImpl } = fakeFetch(() => json(200, { data: [SAMPLE_SESSION] }));
    const client = createRestClient({ baseUrl: "http://127.0.0.1:8787/", token: "tok", fetch: fetchImpl });
    const list = await client.sessions.list({ q: "parser", status: "all" });
    expect(list.data[0]?.title).toBe("Refactor the parser");
    expect(calls[0]?.url).toBe("http://127.0.0.1:8787/api/v1/sessions?q=parser&status=all");
    expect(calls[0]?.headers.get("authorization")).toBe("Bearer tok");

    await client.messages.send(SAMPLE_SESSION.id, { text: "hi" }).catch(() => undefined);
    expect(calls[1]?.method).toBe("POST");
    expect(calls[1]?.body).toBe('{"text":"hi"}');
    expect(calls[1]?.headers.get("content-type")).toBe("application/json");
  });

  it("sends no authorization header without a token (browser cookie mode)", async () => {
    const { calls, fetchImpl } = fakeFetch(() => json(200, { ok: true, version: "1", db: "ok", redis: "ok" }));
    await createRestClient({ baseUrl: "", fetch: fetchImpl }).health();
    expect(calls[0]?.headers.has("authorization")).toBe(false);
    expect(calls[0]?.url).toBe("/api/v1/health");
  });

  it("throws the server's error code, message and fields", async () => {
    const { fetchImpl } = fakeFetch(() =>
      json(400, { error: { code: "INVALID_REQUEST", message: "model: required", fields: [{ field: "model", message: "required" }] } }),
    );
    const failure = await createRestClient({ baseUrl: "", fetch: fetchImpl })
      .sessions.create({ provider: "openai" })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 400, code: "INVALID_REQUEST", fields: [{ field: "model", message: "required" }] });
  });

  it("reports an unreachable server as NETWORK_ERROR and a malformed answer as BAD_RESPONSE", async () => {
    const down = fakeFetch(() => Promise.reject(new TypeError("connect ECONNREFUSED")));
    await expect(createRestClient({ baseUrl: "http://x", fetch: down.fetchImpl }).health()).rejects.toMatchObject({
      code: "NETWORK_ERROR",
      status: 0,
    });

    const odd = fakeFetch(() => json(200, { ok: "yes" }));
    await expect(createRestClient({ baseUrl: "", fetch: odd.fetchImpl }).health()).rejects.toMatchObject({ code: "BAD_RESPONSE" });

    const html = fakeFetch(() => new Response("<h1>502</h1>", { status: 502 }));
    await expect(createRestClient({ baseUrl: "", fetch: html.fetchImpl }).health()).rejects.toMatchObject({
      code: "BAD_RESPONSE",
      status: 502,
    });
  });
});
