// Proves: GET /models answers the catalog to an authenticated caller only, for every provider or
// the one asked for (an unknown one is refused naming the field), in the protocol's shape and in
// the OpenAPI document; and a context window override on a credential or a session goes in on
// create, changes on update, clears with null and comes back as it was stored.
import { ModelListSchema } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { api, client } from "../helpers/api.ts";

describe("GET /models", () => {
  it("refuses a caller without the API token", async () => {
    const response = await api("/models", { token: null });
    expect(response.status).toBe(401);
  });

  it("lists every provider's models in the protocol's shape", async () => {
    const response = await api("/models");
    expect(response.status).toBe(200);
    const list = ModelListSchema.parse(await response.json());
    expect(new Set(list.data.map((model) => model.provider))).toEqual(
      new Set(["anthropic", "openai", "openai_responses", "codex", "gemini"]),
    );
    expect(list.data).toContainEqual({
      provider: "anthropic",
      id: "claude-sonnet-4-5",
      name: "Claude Sonnet 4.5 (latest)",
      context_window: 200_000,
      max_output_tokens: 64_000,
      prices: { input: 3, output: 15, cache_read: 0.3, cache_write: 6 },
      billing: "per_token",
      capabilities: { tools: true, reasoning: true, prompt_caching: true, images: true },
      deprecated: false,
      source: "models.dev",
    });
  });

  it("lists one provider's models when asked", async () => {
    const list = await client().models.list({ provider: "codex" });
    expect(list.data.length).toBeGreaterThan(0);
    expect(list.data.every((model) => model.provider === "codex" && model.billing === "subscription" && model.prices.input === null)).toBe(
      true,
    );
    const gemini = await client().models.list({ provider: "gemini" });
    expect(gemini.data.map((model) => model.id)).toContain("gemini-2.5-pro");
  });

  it("refuses an unknown provider, naming the field", async () => {
    const response = await api("/models?provider=mistral");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "INVALID_REQUEST", fields: [{ field: "provider" }] } });
  });

  it("is in the OpenAPI document with its query", async () => {
    const document = await (await api("/openapi.json")).json<{ paths: Record<string, { get?: { parameters?: { name: string }[] } }> }>();
    expect(document.paths["/models"]?.get?.parameters?.map((parameter) => parameter.name)).toEqual(["provider"]);
  });
});

describe("context window overrides through the API", () => {
  it("keeps a credential's window from create, changes and clears it on update", async () => {
    const created = await client().credentials.create({
      provider: "openai",
      auth_type: "api_key",
      label: "ollama",
      api_key: "ollama-key-0001",
      base_url: "http://127.0.0.1:11434/v1",
      context_window: 32_768,
    });
    expect(created.context_window).toBe(32_768);
    const listed = (await client().credentials.list()).data.find((credential) => credential.id === created.id);
    expect(listed?.context_window).toBe(32_768);
    expect((await client().credentials.update(created.id, { context_window: 131_072 })).context_window).toBe(131_072);
    expect((await client().credentials.update(created.id, { context_window: null })).context_window).toBeNull();
    const plain = await client().credentials.create({
      provider: "anthropic",
      auth_type: "api_key",
      label: "plain",
      api_key: "sk-ant-0002",
    });
    expect(plain.context_window).toBeNull();
  });

  it("refuses a window that is not a positive whole number of tokens", async () => {
    for (const context_window of [0, -1, 1.5, "32k"]) {
      const response = await api("/credentials", {
        method: "POST",
        body: JSON.stringify({ provider: "openai", auth_type: "api_key", label: "x", api_key: "k-0003", context_window }),
      });
      expect(response.status, String(context_window)).toBe(400);
      expect(await response.json()).toMatchObject({ error: { fields: [{ field: "context_window" }] } });
    }
  });

  it("keeps a session's window from create, changes and clears it on update", async () => {
    const session = await client().sessions.create({ provider: "openai", model: "qwen2.5-coder:32b", context_window: 65_536 });
    expect(session.context_window).toBe(65_536);
    expect((await client().sessions.get(session.id)).context_window).toBe(65_536);
    expect((await client().sessions.update(session.id, { context_window: 16_384 })).context_window).toBe(16_384);
    expect((await client().sessions.update(session.id, { context_window: null })).context_window).toBeNull();
    const plain = await client().sessions.create({ provider: "anthropic", model: "claude-sonnet-4-5" });
    expect(plain.context_window).toBeNull();
  });
});
