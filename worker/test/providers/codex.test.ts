// Proves: the Codex provider (ChatGPT subscription) passes the shared conformance suite against
// the simulator's Codex endpoint, which checks its headers against llxprt's capture, and builds
// the captured body: Responses input, `store: false`, the session as the prompt-cache key, and
// `instructions` always (empty without a system prompt: the backend refuses a request without).
// A login that names no ChatGPT account sends no ChatGPT-Account-ID header, not an empty one.
import { describe, expect, it } from "vitest";
import { codex, codexHeaders, toCodexRequest } from "../../src/providers/codex.ts";
import { toResponsesRequest } from "../../src/providers/openai-responses.ts";
import type { ProviderRequest } from "../../src/providers/provider.ts";
import codexCapture from "../fixtures/fidelity/llxprt-codex-oauth.json";
import { conformance } from "./conformance.ts";

conformance("codex", { baseUrl: (url) => `${url}/backend-api/codex`, model: "gpt-5.5", reportsCacheWrites: false, accountId: "acct-1" });

describe("codex specifics", () => {
  it("keeps nothing server-side and keys the prompt cache by session", () => {
    const body = toCodexRequest(
      { model: "gpt-5.5", system: "sys", tools: [], messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
      "s-1",
    );
    expect(body).toEqual({
      model: "gpt-5.5",
      input: [{ role: "user", content: "hi" }],
      stream: true,
      instructions: "sys",
      store: false,
      prompt_cache_key: "s-1",
    });
  });

  it("always sends instructions, where llxprt puts them: empty when the session has no system prompt", () => {
    const request: ProviderRequest = {
      model: "gpt-5.5",
      system: null,
      tools: [{ name: "read_file", description: "Read a file", inputSchema: { type: "object" } }],
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    };
    const body = toCodexRequest(request, "s-1");
    expect(body.instructions).toBe("");
    expect(Object.keys(body)).toEqual(Object.keys(codexCapture.requests[0]?.body ?? {}));
    // The public Responses API is not Codex: there, no system prompt means no instructions.
    expect(toResponsesRequest(request, "s-1")).not.toHaveProperty("instructions");
  });

  it("sends no ChatGPT-Account-ID header when the login names no account", async () => {
    expect(codexHeaders("at", null, "s").map(([name]) => name)).not.toContain("ChatGPT-Account-ID");
    expect(codexHeaders("at", "acct-1", "s")).toContainEqual(["ChatGPT-Account-ID", "acct-1"]);

    const sent: Request[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      sent.push(new Request(input, init));
      return Promise.resolve(new Response("{}", { status: 401 }));
    };
    const context = {
      credential: { apiKey: "at-test", baseUrl: "https://codex.invalid/backend-api/codex", accountId: null },
      signal: new AbortController().signal,
      fetch: fetchSpy,
      sessionKey: "s-1",
      exchange: {},
    };
    const request: ProviderRequest = { model: "gpt-5.5", system: null, tools: [], messages: [] };
    for await (const _ of codex.stream(request, context)) void _;
    expect(sent).toHaveLength(1);
    expect(sent[0]?.headers.has("chatgpt-account-id")).toBe(false);
    expect(sent[0]?.headers.get("authorization")).toBe("Bearer at-test");
  });
});
