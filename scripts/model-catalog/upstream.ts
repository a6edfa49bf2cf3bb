/**
 * What the refresh reads from models.dev: its api.json (`{ <provider>: { models: { <id>: Model } } }`)
 * or the same built from a checkout's TOML files (read-checkout.ts). Only the fields the snapshot
 * keeps are checked; models.dev validates the rest with its own schema.
 */
import { z } from "zod";

const CostSchema = z.looseObject({
  input: z.number(),
  output: z.number(),
  cache_read: z.number().optional(),
  cache_write: z.number().optional(),
});

export const UpstreamModelSchema = z.looseObject({
  name: z.string(),
  release_date: z.string().optional(),
  status: z.enum(["alpha", "beta", "deprecated"]).optional(),
  tool_call: z.boolean(),
  reasoning: z.boolean(),
  // A kind models.dev adds later is skipped, not fatal: the snapshot keeps the kinds it knows.
  reasoning_options: z.array(z.looseObject({ type: z.string() })).optional(),
  modalities: z.looseObject({ input: z.array(z.string()), output: z.array(z.string()) }),
  limit: z.looseObject({ context: z.number(), input: z.number().optional(), output: z.number() }),
  cost: CostSchema.optional(),
});
export type UpstreamModel = z.infer<typeof UpstreamModelSchema>;

/** api.json: every provider, each with its models (validated one by one in to-snapshot.ts). */
export const UpstreamCatalogSchema = z.record(z.string(), z.looseObject({ models: z.record(z.string(), z.unknown()) }));
export type UpstreamCatalog = z.infer<typeof UpstreamCatalogSchema>;
