/**
 * The model catalog the Worker uses: for each provider, the models it offers with their limits,
 * prices and capabilities, from the models.dev snapshot plus the hand table (overrides.ts), and
 * per-credential / per-session context window overrides. Used by GET /models, pricing.ts and the
 * providers' request mapping (anthropic.ts); pure data, no I/O.
 */
import { type Model, type ModelBilling, type ProviderId, ProviderIdSchema, modelMatcher } from "@maestro/protocol";
import { MODELS_DEV } from "./models-dev.ts";
import type { ModelsDevModel } from "./models-dev-shape.ts";
import { type Offering, OFFERINGS } from "./offerings.ts";
import { HAND_MODELS } from "./overrides.ts";

/** US dollars per million tokens. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
  /** null: the source lists no cache price. */
  readonly cacheRead: number | null;
  readonly cacheWrite: number | null;
}

export interface CatalogModel {
  readonly provider: ProviderId;
  readonly id: string;
  readonly name: string;
  readonly contextWindow: number | null;
  /** Where the provider caps the input below the window (OpenAI's GPT-5: 272k of 400k); else null. */
  readonly inputLimit: number | null;
  readonly maxOutputTokens: number | null;
  /** null when unknown, or when the provider does not charge per token (billing `subscription`). */
  readonly prices: ModelPrice | null;
  readonly billing: ModelBilling;
  readonly capabilities: {
    readonly tools: boolean;
    readonly reasoning: boolean;
    readonly promptCaching: boolean;
    readonly images: boolean;
  };
  /** Anthropic-style extended thinking with a token budget is accepted (`thinking.budget_tokens`). */
  readonly thinkingBudget: boolean;
  readonly deprecated: boolean;
  readonly releaseDate: string | null;
  readonly source: "models.dev" | "hand";
}

function toCatalogModel(
  provider: ProviderId,
  offering: Offering,
  id: string,
  model: ModelsDevModel,
  source: CatalogModel["source"],
): CatalogModel {
  const { cost } = model;
  return {
    provider,
    id,
    name: model.name,
    contextWindow: model.limit.context > 0 ? model.limit.context : null,
    inputLimit: model.limit.input ?? null,
    maxOutputTokens: model.limit.output > 0 ? model.limit.output : null,
    prices:
      cost === undefined || offering.billing === "subscription"
        ? null
        : { input: cost.input, output: cost.output, cacheRead: cost.cache_read ?? null, cacheWrite: offering.cacheWrite(cost) },
    billing: offering.billing,
    capabilities: {
      tools: model.tool_call,
      reasoning: model.reasoning,
      promptCaching: cost?.cache_read !== undefined,
      images: model.input.includes("image"),
    },
    thinkingBudget: model.reasoning_options.includes("budget_tokens"),
    deprecated: model.status === "deprecated",
    releaseDate: model.release_date ?? null,
    source,
  };
}

/** Newest first, retired ones last: the order a picker shows. */
function byPickerOrder(a: CatalogModel, b: CatalogModel): number {
  if (a.deprecated !== b.deprecated) return a.deprecated ? 1 : -1;
  return (b.releaseDate ?? "").localeCompare(a.releaseDate ?? "") || a.id.localeCompare(b.id);
}

function offeredBy(provider: ProviderId): readonly CatalogModel[] {
  const offering: Offering = OFFERINGS[provider];
  const entries = [
    ...Object.entries(MODELS_DEV.providers[offering.source]).map(([id, model]) =>
      toCatalogModel(provider, offering, id, model, "models.dev"),
    ),
    ...Object.entries(HAND_MODELS[offering.source]).map(([id, model]) => toCatalogModel(provider, offering, id, model, "hand")),
  ];
  return entries.filter((model) => offering.serves(model.id)).sort(byPickerOrder);
}

// Built once per isolate from constants: immutable, shared by every request.
const CATALOG = new Map(
  ProviderIdSchema.options.map((provider) => {
    const models = offeredBy(provider);
    return [provider, { models, match: modelMatcher(models) }] as const;
  }),
);

/** The provider's models, newest first. */
export function listModels(provider: ProviderId): readonly CatalogModel[] {
  return CATALOG.get(provider)?.models ?? [];
}

/** The entry a model id means for this provider (exact, then its dated or tagged variants), or undefined. */
export function findModel(provider: ProviderId, model: string): CatalogModel | undefined {
  return CATALOG.get(provider)?.match(model);
}

/**
 * Where a model id is priced per token whatever the provider: the maker's own list (Anthropic,
 * OpenAI, Google). For callers that know no provider (costOf).
 */
export function findListedModel(model: string): CatalogModel | undefined {
  return findModel("anthropic", model) ?? findModel("openai_responses", model) ?? findModel("gemini", model);
}

/** How the provider charges for its models. */
export function billingOf(provider: ProviderId): ModelBilling {
  return OFFERINGS[provider].billing;
}

/** Context window overrides, in tokens: a session's wins over its credential's, which wins over the catalog. */
export interface ContextWindowOverrides {
  readonly session?: number | null;
  readonly credential?: number | null;
}

/** The model's context window for this session, or null when neither an override nor the catalog knows it. */
export function contextWindowFor(provider: ProviderId, model: string, overrides: ContextWindowOverrides = {}): number | null {
  return overrides.session ?? overrides.credential ?? findModel(provider, model)?.contextWindow ?? null;
}

/** The wire shape of an entry (GET /models). */
export function toModel(entry: CatalogModel): Model {
  return {
    provider: entry.provider,
    id: entry.id,
    name: entry.name,
    context_window: entry.contextWindow,
    max_output_tokens: entry.maxOutputTokens,
    prices: {
      input: entry.prices?.input ?? null,
      output: entry.prices?.output ?? null,
      cache_read: entry.prices?.cacheRead ?? null,
      cache_write: entry.prices?.cacheWrite ?? null,
    },
    billing: entry.billing,
    capabilities: {
      tools: entry.capabilities.tools,
      reasoning: entry.capabilities.reasoning,
      prompt_caching: entry.capabilities.promptCaching,
      images: entry.capabilities.images,
    },
    deprecated: entry.deprecated,
    source: entry.source,
  };
}
