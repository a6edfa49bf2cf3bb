// Proves: the catalog refresh reads a models.dev checkout the way models.dev's own generator does
// (base_model inheritance with the provider's fields winning, base_model_omit) and its api.json
// alike, keeps only the tool-calling text models of the three providers and only the fields the
// catalog reads, and, run as `npm run catalog:refresh`, writes a formatted module that records its
// source, date and the MIT attribution.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseJson } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import type { ModelsDevSnapshot } from "../../worker/src/models/models-dev-shape.ts";
import { readCheckout } from "./read-checkout.ts";
import { SOURCE_PROVIDERS, toSnapshot } from "./to-snapshot.ts";
import { UpstreamCatalogSchema } from "./upstream.ts";

const FIXTURES = join(import.meta.dirname, "fixtures");
const PROVENANCE = { source: "fixture", date: "2026-01-02" };

const EXPECTED: ModelsDevSnapshot = {
  ...PROVENANCE,
  providers: {
    anthropic: {
      "claude-3-haiku-20240307": {
        name: "Claude Haiku 3",
        release_date: "2024-03-13",
        status: "deprecated",
        tool_call: true,
        reasoning: false,
        reasoning_options: [],
        input: ["text", "image", "pdf"],
        limit: { context: 200_000, output: 4096 },
        cost: { input: 0.25, output: 1.25, cache_read: 0.03, cache_write: 0.3 },
      },
      "claude-sonnet-4-5": {
        name: "Claude Sonnet 4.5 (latest)",
        release_date: "2025-09-29",
        tool_call: true,
        reasoning: true,
        reasoning_options: ["budget_tokens"],
        input: ["text", "image", "pdf"],
        limit: { context: 200_000, output: 64_000 },
        cost: { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 },
      },
    },
    openai: {
      "gpt-5": {
        name: "GPT-5",
        release_date: "2025-08-07",
        tool_call: true,
        reasoning: true,
        reasoning_options: ["effort"],
        input: ["text", "image"],
        limit: { context: 400_000, input: 272_000, output: 128_000 },
        cost: { input: 1.25, output: 10, cache_read: 0.125 },
      },
      "gpt-5-small-window": {
        name: "GPT-5 (small window)",
        tool_call: true,
        reasoning: true,
        reasoning_options: [],
        input: ["text", "image"],
        limit: { context: 128_000, output: 16_000 },
      },
    },
    google: {
      "gemini-2.5-pro": {
        name: "Gemini 2.5 Pro",
        release_date: "2025-06-17",
        tool_call: true,
        reasoning: true,
        reasoning_options: ["budget_tokens"],
        input: ["text", "image", "audio", "video", "pdf"],
        limit: { context: 1_048_576, output: 65_536 },
        cost: { input: 1.25, output: 10, cache_read: 0.125 },
      },
    },
  },
};

function apiJson() {
  const json = parseJson(readFileSync(join(FIXTURES, "api.json"), "utf8"));
  if (!json.ok) throw new Error("fixture api.json is not JSON");
  return UpstreamCatalogSchema.parse(json.value);
}

describe("catalog refresh", () => {
  it("reads a checkout's TOML files as models.dev builds them, inheritance and omissions included", () => {
    expect(toSnapshot(readCheckout(join(FIXTURES, "models.dev"), SOURCE_PROVIDERS), PROVENANCE)).toEqual(EXPECTED);
  });

  it("reads api.json to the same snapshot, ignoring the providers it does not use", () => {
    expect(toSnapshot(apiJson(), PROVENANCE)).toEqual(EXPECTED);
  });

  it("refuses a source that lacks a provider or a model's limits, naming it", () => {
    const catalog = apiJson();
    expect(() => toSnapshot({ anthropic: catalog.anthropic!, openai: catalog.openai! }, PROVENANCE)).toThrow('no provider "google"');
    const broken = {
      ...catalog,
      google: { models: { "gemini-x": { name: "x", tool_call: true, reasoning: false, modalities: { input: [], output: [] } } } },
    };
    expect(() => toSnapshot(broken, PROVENANCE)).toThrow(/google\/gemini-x: limit/);
  });

  it("writes the Worker's module from the command line, with its source, date and attribution", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "catalog-")), "models-dev.ts");
    const script = join(import.meta.dirname, "..", "refresh-model-catalog.ts");
    const printed = execFileSync(
      "npx",
      ["tsx", script, join(FIXTURES, "api.json"), "--date", "2026-01-02", "--source", "fixture", "--out", out],
      {
        encoding: "utf8",
      },
    );
    expect(printed).toContain("5 models from fixture, dated 2026-01-02");
    const text = readFileSync(out, "utf8");
    expect(text).toContain("MIT License");
    expect(text).toContain("do not edit");
    const module = (await import(out)) as { MODELS_DEV: ModelsDevSnapshot };
    expect(module.MODELS_DEV).toEqual(EXPECTED);
  });
});
