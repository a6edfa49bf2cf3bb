/**
 * What a model call cost: US dollars per million tokens for current Anthropic, OpenAI and
 * Gemini models (list prices as published by each vendor; update the table when they change).
 * A model is matched exactly, then by the longest known prefix, so dated variants
 * (`claude-sonnet-4-5-20250929`) find their family. Unknown models cost null, not zero.
 */
import type { TokenUsage } from "@maestro/protocol";

export interface Price {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  /** Anthropic charges for writing the cache; The Maestro caches for 1 h, which costs 2× input. */
  readonly cacheWrite: number;
}

const anthropic = (input: number, output: number): Price => ({ input, output, cacheRead: input * 0.1, cacheWrite: input * 2 });
const openai = (input: number, output: number, cacheRead: number): Price => ({ input, output, cacheRead, cacheWrite: 0 });
const gemini = (input: number, output: number): Price => ({ input, output, cacheRead: input * 0.25, cacheWrite: 0 });

export const PRICES: Readonly<Record<string, Price>> = {
  // Anthropic
  "claude-opus-4-5": anthropic(5, 25),
  "claude-opus-4-1": anthropic(15, 75),
  "claude-opus-4": anthropic(15, 75),
  "claude-sonnet-4-5": anthropic(3, 15),
  "claude-sonnet-4": anthropic(3, 15),
  "claude-3-7-sonnet": anthropic(3, 15),
  "claude-haiku-4-5": anthropic(1, 5),
  "claude-3-5-haiku": anthropic(0.8, 4),
  // OpenAI
  "gpt-5.1": openai(1.25, 10, 0.125),
  "gpt-5": openai(1.25, 10, 0.125),
  "gpt-5-mini": openai(0.25, 2, 0.025),
  "gpt-5-nano": openai(0.05, 0.4, 0.005),
  "gpt-5-codex": openai(1.25, 10, 0.125),
  "gpt-4.1": openai(2, 8, 0.5),
  "gpt-4.1-mini": openai(0.4, 1.6, 0.1),
  "gpt-4.1-nano": openai(0.1, 0.4, 0.025),
  "gpt-4o": openai(2.5, 10, 1.25),
  "gpt-4o-mini": openai(0.15, 0.6, 0.075),
  o3: openai(2, 8, 0.5),
  "o4-mini": openai(1.1, 4.4, 0.275),
  // Gemini (prompts up to 200k tokens)
  "gemini-3-pro-preview": gemini(2, 12),
  "gemini-2.5-pro": gemini(1.25, 10),
  "gemini-2.5-flash": gemini(0.3, 2.5),
  "gemini-2.5-flash-lite": gemini(0.1, 0.4),
  "gemini-2.0-flash": gemini(0.1, 0.4),
};

const byLength = Object.keys(PRICES).sort((a, b) => b.length - a.length);

export function priceOf(model: string): Price | undefined {
  const exact = PRICES[model];
  if (exact !== undefined) return exact;
  const prefix = byLength.find((known) => model.startsWith(`${known}-`) || model.startsWith(`${known}@`));
  return prefix === undefined ? undefined : PRICES[prefix];
}

/** Cost in US dollars, rounded to 1e-8 (the precision of the messages table), or null when unpriced. */
export function costOf(model: string, usage: TokenUsage): number | null {
  const price = priceOf(model);
  if (price === undefined) return null;
  const dollars =
    (usage.input_tokens * price.input +
      usage.output_tokens * price.output +
      usage.cache_read_tokens * price.cacheRead +
      usage.cache_write_tokens * price.cacheWrite) /
    1_000_000;
  return Math.round(dollars * 1e8) / 1e8;
}
