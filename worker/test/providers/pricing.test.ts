// Proves: a model's cost comes from the model catalog — exactly, or through its longest known family
// prefix for dated and tagged variants — with cache reads and writes priced apart, and an unknown
// model costs null (shown as "no price"), never a made-up zero. Every model the hand price table
// priced before the catalog keeps its input and output prices; a codex turn (the ChatGPT
// subscription) has no per-token cost.
import { describe, expect, it } from "vitest";
import { costFor, costOf, priceOf } from "../../src/providers/pricing.ts";

const usage = (input: number, output: number, cacheRead = 0, cacheWrite = 0) => ({
  input_tokens: input,
  output_tokens: output,
  cache_read_tokens: cacheRead,
  cache_write_tokens: cacheWrite,
});

describe("pricing", () => {
  it("prices a known model per million tokens, cache reads and writes apart", () => {
    // claude-sonnet-4-5: $3 in, $15 out, cache read 10 % of input, cache write (1 h) 2× input.
    expect(costOf("claude-sonnet-4-5", usage(1_000_000, 0))).toBe(3);
    expect(costOf("claude-sonnet-4-5", usage(0, 1_000_000))).toBe(15);
    expect(costOf("claude-sonnet-4-5", usage(0, 0, 1_000_000, 1_000_000))).toBe(0.3 + 6);
    expect(costOf("gpt-4.1", usage(1000, 500, 2000))).toBe((1000 * 2 + 500 * 8 + 2000 * 0.5) / 1_000_000);
  });

  it("finds a dated or tagged variant through its longest known family", () => {
    expect(priceOf("claude-sonnet-4-5-20250929")).toEqual(priceOf("claude-sonnet-4-5"));
    expect(priceOf("gpt-5-mini-2025-08-07")).toEqual(priceOf("gpt-5-mini"));
    expect(priceOf("gpt-5-mini-2025-08-07")).not.toEqual(priceOf("gpt-5"));
    expect(priceOf("claude-opus-4-1@20250805")).toEqual(priceOf("claude-opus-4-1"));
    // A different model that merely starts with the same letters is not that model.
    expect(priceOf("gpt-5x")).toBeUndefined();
  });

  it("costs an unknown model null, not zero", () => {
    expect(costOf("my-local-llama", usage(1000, 1000))).toBeNull();
    expect(costOf("gpt-4.1", usage(0, 0))).toBe(0);
  });
});

describe("pricing from the model catalog", () => {
  // The hand table's input and output prices (US dollars per million) before the catalog took over.
  const BEFORE: [model: string, input: number, output: number][] = [
    ["claude-opus-4-5", 5, 25],
    ["claude-opus-4-1", 15, 75],
    ["claude-opus-4", 15, 75],
    ["claude-sonnet-4-5", 3, 15],
    ["claude-sonnet-4", 3, 15],
    ["claude-3-7-sonnet", 3, 15],
    ["claude-haiku-4-5", 1, 5],
    ["claude-3-5-haiku", 0.8, 4],
    ["gpt-5.1", 1.25, 10],
    ["gpt-5", 1.25, 10],
    ["gpt-5-mini", 0.25, 2],
    ["gpt-5-nano", 0.05, 0.4],
    ["gpt-5-codex", 1.25, 10],
    ["gpt-4.1", 2, 8],
    ["gpt-4.1-mini", 0.4, 1.6],
    ["gpt-4.1-nano", 0.1, 0.4],
    ["gpt-4o", 2.5, 10],
    ["gpt-4o-mini", 0.15, 0.6],
    ["o3", 2, 8],
    ["o4-mini", 1.1, 4.4],
    ["gemini-3-pro-preview", 2, 12],
    ["gemini-2.5-pro", 1.25, 10],
    ["gemini-2.5-flash", 0.3, 2.5],
    ["gemini-2.5-flash-lite", 0.1, 0.4],
    ["gemini-2.0-flash", 0.1, 0.4],
  ];

  it.each(BEFORE)("%s still costs $%d in, $%d out per million", (model, input, output) => {
    expect(costOf(model, usage(1_000_000, 0))).toBe(input);
    expect(costOf(model, usage(0, 1_000_000))).toBe(output);
  });

  it("keeps Anthropic's cache at 10 % of input to read and 2× input to write (1 h), OpenAI's writes free", () => {
    for (const model of ["claude-opus-4-5", "claude-haiku-4-5", "claude-3-5-haiku-20241022", "claude-sonnet-4-20250514"]) {
      const price = priceOf(model);
      expect(price?.cacheRead, model).toBeCloseTo((price?.input ?? 0) * 0.1, 10);
      expect(price?.cacheWrite, model).toBe((price?.input ?? 0) * 2);
    }
    expect(priceOf("gpt-5")).toEqual({ input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 0 });
  });

  it("costs a turn through its provider: codex has no per-token price, the others their maker's", () => {
    expect(costFor("codex", "gpt-5-codex", usage(1000, 1000))).toBeNull();
    expect(costFor("openai_responses", "gpt-5-codex", usage(1000, 1000))).toBe(costOf("gpt-5-codex", usage(1000, 1000)));
    expect(costFor("anthropic", "claude-sonnet-4-5-20250929", usage(10, 5))).toBe(0.000105);
    expect(costFor("openai", "my-local-llama", usage(10, 5))).toBeNull();
  });
});
