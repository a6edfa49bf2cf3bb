/**
 * What a model call cost, in US dollars, at the model catalog's prices (models/catalog.ts:
 * models.dev plus the hand table). A model is found exactly, then through its dated or tagged
 * variants (`claude-sonnet-4-5-20250929` is priced as `claude-sonnet-4-5`). Unknown models cost
 * null, not zero; so does every turn of a provider without per-token prices (codex: the ChatGPT
 * subscription pays for it).
 */
import type { ProviderId, TokenUsage } from "@maestro/protocol";
import { type CatalogModel, billingOf, findListedModel } from "../models/catalog.ts";

/** US dollars per million tokens, as charged. */
export interface Price {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  /** Anthropic charges for writing the cache; The Maestro caches for 1 h, which costs 2× input. */
  readonly cacheWrite: number;
}

function priceOfEntry(entry: CatalogModel | undefined): Price | undefined {
  const prices = entry?.prices;
  if (prices === undefined || prices === null) return undefined;
  // A cache price the source does not list is charged as plain input: never cheaper than it was.
  return {
    input: prices.input,
    output: prices.output,
    cacheRead: prices.cacheRead ?? prices.input,
    cacheWrite: prices.cacheWrite ?? prices.input,
  };
}

function dollars(price: Price | undefined, usage: TokenUsage): number | null {
  if (price === undefined) return null;
  const total =
    (usage.input_tokens * price.input +
      usage.output_tokens * price.output +
      usage.cache_read_tokens * price.cacheRead +
      usage.cache_write_tokens * price.cacheWrite) /
    1_000_000;
  // Rounded to 1e-8, the precision of the messages table.
  return Math.round(total * 1e8) / 1e8;
}

/** The model's per-token price at its maker's list (Anthropic, OpenAI, Google), whoever serves it. */
export function priceOf(model: string): Price | undefined {
  return priceOfEntry(findListedModel(model));
}

/** Cost at the maker's list price, or null when unpriced. */
export function costOf(model: string, usage: TokenUsage): number | null {
  return dollars(priceOf(model), usage);
}

/**
 * Cost of a call through this provider: the maker's list price, or null when unpriced or when the
 * provider does not bill per token (codex: the subscription pays; the tokens are still counted).
 */
export function costFor(provider: ProviderId, model: string, usage: TokenUsage): number | null {
  return billingOf(provider) === "subscription" ? null : costOf(model, usage);
}
