/** One line about a model for the pickers: its window, output limit and price, from the catalog. */
import type { Model } from "@maestro/protocol";
import { shortTokens } from "../../lib/format.ts";

/** $3, $0.3, $0.125: as listed, without float noise. */
const perMillion = (price: number) => `$${Number(price.toFixed(4))}`;

function priceText(model: Model): string {
  if (model.billing === "subscription") return "included in the ChatGPT subscription";
  const { input, output, cache_read, cache_write } = model.prices;
  if (input === null || output === null) return "price unknown";
  const cache = [
    cache_read !== null && `cache read ${perMillion(cache_read)}`,
    cache_write !== null && cache_write > 0 && `write ${perMillion(cache_write)}`,
  ]
    .filter((part) => part !== false)
    .join(", ");
  return `${perMillion(input)} in / ${perMillion(output)} out per M${cache.length > 0 ? ` (${cache})` : ""}`;
}

/** `200k context · 64k out · $3 in / $15 out per M (cache read $0.30, write $6)`. */
export function describeModel(model: Model): string {
  return [
    model.context_window === null ? "context unknown" : `${shortTokens(model.context_window)} context`,
    model.max_output_tokens !== null && `${shortTokens(model.max_output_tokens)} out`,
    priceText(model),
    model.deprecated && "being retired",
  ]
    .filter((part) => part !== false)
    .join(" · ");
}

export const NOT_IN_CATALOG = "Not in the catalog: fine for an OpenAI-compatible server; its window and price are unknown.";
