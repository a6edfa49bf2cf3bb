/**
 * How big a request is, by one rule the simulator and the tests share (no Node APIs: it runs in
 * workerd too). The simulator uses it to enforce a script's `context_window` and to report
 * "measured" usage (script.ts).
 *
 * The estimate: take the request body's prompt-bearing fields (PROMPT_FIELDS, in the order the API
 * reads them: tools, then the system prompt, then the conversation), serialize each present one
 * with JSON.stringify and join them with nothing between; the estimate is that text's length (JS
 * string length: UTF-16 code units) ÷ 4, rounded up. Model, max_tokens, thinking and the other
 * settings do not count. It is not a tokenizer: simple, deterministic, and independent of how the
 * client spaced its JSON.
 *
 * The cached part: the characters this prompt text shares, from its start, with the prompt text of
 * the key's previous request that played a turn, ÷ 4 rounded down (so cached ≤ estimate). A
 * request that only appends to the conversation repeats nearly all of the previous one. No
 * provider's minimum cacheable length or breakpoints are modelled, and nothing counts as a cache
 * write.
 */
import type { Endpoint } from "./fidelity-endpoints.ts";

/** The body fields a request's prompt is made of, per endpoint. */
export const PROMPT_FIELDS = {
  anthropic: ["tools", "system", "messages"],
  openai: ["tools", "messages"],
  openai_responses: ["tools", "instructions", "input"],
  codex: ["tools", "instructions", "input"],
  gemini: ["tools", "systemInstruction", "contents"],
} as const satisfies Record<Endpoint, readonly string[]>;

export const CHARS_PER_TOKEN = 4;

/** The text the estimate counts: the prompt fields' JSON, joined. */
export function promptTextOf(endpoint: Endpoint, body: unknown): string {
  const record = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  return PROMPT_FIELDS[endpoint]
    .filter((field) => record[field] !== undefined)
    .map((field) => JSON.stringify(record[field]))
    .join("");
}

/** Tokens of a text by the simulator's rule: characters ÷ 4, rounded up. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

/** The simulator's estimate of a request body's input tokens. */
export const estimateInputTokens = (endpoint: Endpoint, body: unknown): number => estimateTokens(promptTextOf(endpoint, body));

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let index = 0;
  while (index < limit && a.charCodeAt(index) === b.charCodeAt(index)) index += 1;
  return index;
}

export interface Measurement {
  /** The prompt text, to compare the next request with. */
  readonly prompt: string;
  /** Estimated input tokens of the whole request. */
  readonly input_tokens: number;
  /** Of those, the ones that repeat the previous request's prefix. */
  readonly cached_tokens: number;
}

/** Measure a request against the previous prompt text of its key (none: nothing is cached). */
export function measureRequest(endpoint: Endpoint, body: unknown, previousPrompt?: string): Measurement {
  const prompt = promptTextOf(endpoint, body);
  const inputTokens = estimateTokens(prompt);
  const shared = previousPrompt === undefined ? 0 : commonPrefixLength(previousPrompt, prompt);
  return { prompt, input_tokens: inputTokens, cached_tokens: Math.min(inputTokens, Math.floor(shared / CHARS_PER_TOKEN)) };
}
