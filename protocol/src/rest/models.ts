/**
 * GET /models: the model catalog. For each model a provider offers, its context window, output
 * limit, prices and capabilities, taken from models.dev (MIT) plus a small hand table for what it
 * lacks. A model id that is not listed may still work (OpenAI-compatible servers serve their own).
 */
import { z } from "zod";
import { ProviderIdSchema } from "../common.ts";
import { listOf } from "./common.ts";

/**
 * A context window override, in tokens: on a credential (an OpenAI-compatible server that serves
 * its models with a smaller or larger window) or on a session. The session's wins.
 */
export const ContextWindowSchema = z.number().int().positive().max(100_000_000);

/** US dollars per million tokens; each is null when unknown. */
export const ModelPricesSchema = z.object({
  input: z.number().nonnegative().nullable(),
  output: z.number().nonnegative().nullable(),
  /** Reading a prompt from the provider's cache. */
  cache_read: z.number().nonnegative().nullable(),
  /** Writing it there: for Anthropic the 1-hour cache The Maestro asks for (2× input), 0 where writes are free. */
  cache_write: z.number().nonnegative().nullable(),
});
export type ModelPrices = z.infer<typeof ModelPricesSchema>;

export const ModelCapabilitiesSchema = z.object({
  tools: z.boolean(),
  /** Thinking / reasoning of some kind. */
  reasoning: z.boolean(),
  prompt_caching: z.boolean(),
  /** Images as input. */
  images: z.boolean(),
});
export type ModelCapabilities = z.infer<typeof ModelCapabilitiesSchema>;

/**
 * How the provider charges: `per_token` at `prices`; `subscription` (codex: the user's ChatGPT plan)
 * has no per-token price, so its prices and the cost of its turns are null.
 */
export const ModelBillingSchema = z.enum(["per_token", "subscription"]);
export type ModelBilling = z.infer<typeof ModelBillingSchema>;

export const ModelSchema = z.object({
  provider: ProviderIdSchema,
  /** The id to send as a session's `model`. */
  id: z.string(),
  name: z.string(),
  /** Tokens of input and output together; null when unknown. */
  context_window: z.number().int().positive().nullable(),
  max_output_tokens: z.number().int().positive().nullable(),
  prices: ModelPricesSchema,
  billing: ModelBillingSchema,
  capabilities: ModelCapabilitiesSchema,
  /** Still served, but its maker has announced its retirement. */
  deprecated: z.boolean(),
  /** Where the entry comes from: the vendored models.dev snapshot, or The Maestro's hand table. */
  source: z.enum(["models.dev", "hand"]),
});
export type Model = z.infer<typeof ModelSchema>;

export const ModelListSchema = listOf(ModelSchema);
export type ModelList = z.infer<typeof ModelListSchema>;

export const ListModelsQuerySchema = z.strictObject({
  provider: ProviderIdSchema.optional(),
});
export type ListModelsQuery = z.infer<typeof ListModelsQuerySchema>;
