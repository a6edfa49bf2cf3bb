/**
 * A cheap estimate of how many tokens content takes in a model's context, for what the provider
 * has not counted yet (messages added since its last usage report). Four characters of JSON to a
 * token is the rule of thumb every anchor uses (opencode, gemini-cli's estimate); it only has to
 * decide when to compact, and the provider's own count replaces it after every model call.
 */
import type { ContentPart, TokenUsage } from "@maestro/protocol";

const CHARS_PER_TOKEN = 4;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function estimateTokens(content: readonly ContentPart[]): number {
  return content.length === 0 ? 0 : estimateTextTokens(JSON.stringify(content));
}

/** What a model call's context held, by the provider's count: its whole input and its answer. */
export function contextOfUsage(usage: TokenUsage): number {
  return usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens + usage.output_tokens;
}
