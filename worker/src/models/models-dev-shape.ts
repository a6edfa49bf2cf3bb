/**
 * The shape of the vendored models.dev snapshot (models-dev.ts): per source provider, the fields
 * of each model that the catalog reads, named as models.dev names them. Written by
 * scripts/refresh-model-catalog.ts and type-checked here, so a refresh that changes the shape
 * fails the build instead of the catalog.
 */

/** The models.dev providers The Maestro's providers draw on (see offerings.ts). */
export type SourceProviderId = "anthropic" | "openai" | "google";

/** How a model is asked to think: a token budget (Anthropic's budget_tokens), an effort level, or on/off. */
export type ReasoningOptionType = "toggle" | "effort" | "budget_tokens";

export interface ModelsDevModel {
  readonly name: string;
  readonly release_date?: string;
  /** models.dev's `status`; `deprecated`: its maker has announced the retirement. */
  readonly status?: "alpha" | "beta" | "deprecated";
  readonly tool_call: boolean;
  readonly reasoning: boolean;
  readonly reasoning_options: readonly ReasoningOptionType[];
  /** Input modalities: text, image, audio, video, pdf. */
  readonly input: readonly string[];
  /** Tokens: the whole window, the input alone where the provider caps it lower, the output. */
  readonly limit: { readonly context: number; readonly input?: number; readonly output: number };
  /** US dollars per million tokens. models.dev's cache_write is Anthropic's 5-minute price. */
  readonly cost?: { readonly input: number; readonly output: number; readonly cache_read?: number; readonly cache_write?: number };
}

export interface ModelsDevSnapshot {
  /** Where the data was read: the API's address, or a repository checkout and its commit. */
  readonly source: string;
  /** The data's date (the commit's, or the day it was downloaded), YYYY-MM-DD. */
  readonly date: string;
  readonly providers: Readonly<Record<SourceProviderId, Readonly<Record<string, ModelsDevModel>>>>;
}
