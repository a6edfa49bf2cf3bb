// Proves: a model's cost comes from the price table — exactly, or through its longest known family
// prefix for dated and tagged variants — with cache reads and writes priced apart, and an unknown
// model costs null (shown as "no price"), never a made-up zero.
import { describe, expect, it } from "vitest";
import { costOf, priceOf } from "../../src/providers/pricing.ts";

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
