// Proves: the model catalog finds a model by its exact id, then through its dated, tagged or
// family forms (never by shared letters alone), lists per provider what that provider serves and
// how it charges (Anthropic's 1-hour cache write at 2× input, codex without per-token prices),
// carries the hand table's models, lets a session's and then a credential's context window win
// over the catalog's, and drives Anthropic's max_tokens and thinking exactly as before for every
// model the tests send.
import type { ProviderId } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { contextWindowFor, findModel, listModels, toModel } from "../../src/models/catalog.ts";
import { MODELS_DEV } from "../../src/models/models-dev.ts";
import { toAnthropicRequest } from "../../src/providers/anthropic.ts";

const idOf = (provider: ProviderId, model: string) => findModel(provider, model)?.id;

describe("model catalog lookup", () => {
  it("finds a model exactly, then through its dated and tagged variants", () => {
    expect(idOf("anthropic", "claude-sonnet-4-5")).toBe("claude-sonnet-4-5");
    expect(idOf("anthropic", "claude-sonnet-4-5-20250929")).toBe("claude-sonnet-4-5-20250929");
    // A snapshot the catalog has never seen is its family.
    expect(idOf("anthropic", "claude-sonnet-4-5-20991231")).toBe("claude-sonnet-4-5");
    expect(idOf("anthropic", "claude-opus-4-1@20250805")).toBe("claude-opus-4-1");
    expect(idOf("openai", "gpt-5-mini-2025-08-07")).toBe("gpt-5-mini");
    expect(idOf("openai", "gpt-4o-mini-2024-07-18")).toBe("gpt-4o-mini");
    // A model the source lists only with its date answers to its family name and aliases.
    expect(idOf("anthropic", "claude-3-7-sonnet")).toBe("claude-3-7-sonnet-20250219");
    expect(idOf("anthropic", "claude-3-7-sonnet-latest")).toBe("claude-3-7-sonnet-20250219");
    expect(idOf("anthropic", "claude-opus-4")).toBe("claude-opus-4-20250514");
  });

  it("knows nothing of an unknown model, or of one that only shares letters with a known one", () => {
    expect(findModel("openai", "my-local-llama")).toBeUndefined();
    expect(findModel("openai", "gpt-5x")).toBeUndefined();
    expect(findModel("gemini", "claude-sonnet-4-5")).toBeUndefined();
  });
});

describe("model catalog contents", () => {
  it("records the snapshot's date and source, and every listed model's limits", () => {
    expect(MODELS_DEV.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(MODELS_DEV.source).toContain("models.dev");
    for (const provider of ["anthropic", "openai", "openai_responses", "codex", "gemini"] as const) {
      expect(listModels(provider).length, provider).toBeGreaterThan(5);
      for (const model of listModels(provider)) {
        expect(model.contextWindow, model.id).toBeGreaterThan(0);
        expect(model.maxOutputTokens, model.id).toBeGreaterThan(0);
        expect(model.capabilities.tools, model.id).toBe(true);
      }
    }
  });

  it("prices Anthropic's cache writes at the 1-hour rate (2× input), not models.dev's 5-minute one", () => {
    expect(toModel(findModel("anthropic", "claude-sonnet-4-5")!)).toEqual({
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
    expect(MODELS_DEV.providers.anthropic["claude-sonnet-4-5"]?.cost?.cache_write).toBe(3.75);
    // OpenAI and Gemini write their caches for free.
    expect(toModel(findModel("openai", "gpt-4.1")!).prices).toEqual({ input: 2, output: 8, cache_read: 0.5, cache_write: 0 });
  });

  it("lists per provider what it serves: Responses-only models not on Chat Completions, codex without per-token prices", () => {
    const ids = (provider: ProviderId) => listModels(provider).map((model) => model.id);
    expect(ids("openai")).toContain("gpt-4.1");
    expect(ids("openai")).not.toContain("gpt-5-codex");
    expect(ids("openai")).not.toContain("o3-pro");
    expect(ids("openai_responses")).toEqual(expect.arrayContaining(["gpt-5-codex", "o3-pro", "gpt-4.1"]));
    expect(ids("codex")).toEqual(expect.arrayContaining(["gpt-5", "gpt-5-codex", "gpt-5.1-codex-max"]));
    expect(ids("codex").every((id) => id.startsWith("gpt-5"))).toBe(true);
    expect(ids("codex")).not.toContain("gpt-5-pro");
    for (const model of listModels("codex"))
      expect(toModel(model)).toMatchObject({ billing: "subscription", prices: { input: null, output: null } });
    expect(ids("gemini")).toContain("gemini-2.5-pro");
  });

  it("lists the newest models first and retired ones last", () => {
    const anthropic = listModels("anthropic");
    const firstRetired = anthropic.findIndex((model) => model.deprecated);
    expect(firstRetired).toBeGreaterThan(0);
    expect(anthropic.slice(firstRetired).every((model) => model.deprecated)).toBe(true);
    const dates = anthropic.slice(0, firstRetired).map((model) => model.releaseDate ?? "");
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it("carries the hand table's models, marked as such", () => {
    expect(findModel("anthropic", "claude-3-5-haiku-20241022")).toMatchObject({
      source: "hand",
      contextWindow: 200_000,
      maxOutputTokens: 8192,
      prices: { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1.6 },
    });
    expect(idOf("anthropic", "claude-3-5-haiku")).toBe("claude-3-5-haiku-20241022");
  });
});

describe("context window overrides", () => {
  it("takes the session's, then the credential's, then the catalog's window", () => {
    expect(contextWindowFor("anthropic", "claude-sonnet-4-5")).toBe(200_000);
    expect(contextWindowFor("anthropic", "claude-sonnet-4-5", { credential: 100_000 })).toBe(100_000);
    expect(contextWindowFor("anthropic", "claude-sonnet-4-5", { credential: 100_000, session: 50_000 })).toBe(50_000);
    expect(contextWindowFor("anthropic", "claude-sonnet-4-5", { credential: null, session: null })).toBe(200_000);
    // An OpenAI-compatible server's own model: only an override knows its window.
    expect(contextWindowFor("openai", "qwen2.5-coder:32b")).toBeNull();
    expect(contextWindowFor("openai", "qwen2.5-coder:32b", { credential: 32_768 })).toBe(32_768);
  });
});

describe("Anthropic requests from the catalog", () => {
  // What the regexes this replaced sent, for every Anthropic model the tests and fixtures use.
  const BEFORE: [model: string, maxTokens: number, thinking: boolean][] = [
    ["claude-sonnet-4-5-20250929", 64_000, true],
    ["claude-sonnet-4-5", 64_000, true],
    ["claude-sonnet-4", 64_000, true],
    ["claude-haiku-4-5", 64_000, true],
    ["claude-opus-4-5", 64_000, true],
    ["claude-3-7-sonnet", 64_000, true],
    ["claude-opus-4-1", 32_000, true],
    ["claude-opus-4-1@20250805", 32_000, true],
    ["claude-opus-4", 32_000, true],
    ["claude-3-5-haiku-20241022", 8192, false],
    ["claude-3-5-haiku", 8192, false],
    ["m", 8192, false],
    ["claude-sim", 8192, false],
  ];

  it.each(BEFORE)("%s: max_tokens %i, thinking %s", (model, maxTokens, thinking) => {
    const body = toAnthropicRequest({
      model,
      system: null,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      tools: [],
    });
    expect(body.max_tokens).toBe(maxTokens);
    expect(body.thinking).toEqual(thinking ? { type: "enabled", budget_tokens: 10_000 } : undefined);
  });

  it("asks a model that takes only an effort level for no thinking budget, and gives it its own output limit", () => {
    const body = toAnthropicRequest({ model: "claude-opus-4-7", system: null, messages: [], tools: [] });
    expect(body).toMatchObject({ max_tokens: 128_000 });
    expect(body.thinking).toBeUndefined();
  });
});
