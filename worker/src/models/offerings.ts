/**
 * Which models each of The Maestro's providers offers, and how it charges for them: one entry per
 * provider (registries, not branches), drawing on one models.dev provider each. Read by catalog.ts only.
 */
import type { ModelBilling, ProviderId } from "@maestro/protocol";
import type { ModelsDevModel, SourceProviderId } from "./models-dev-shape.ts";
import { ANTHROPIC_ONE_HOUR_CACHE_WRITE, CODEX_SERVES, RESPONSES_ONLY } from "./overrides.ts";

type Cost = NonNullable<ModelsDevModel["cost"]>;

export interface Offering {
  readonly source: SourceProviderId;
  /** Which of the source's models this provider serves. */
  readonly serves: (id: string) => boolean;
  readonly billing: ModelBilling;
  /** US dollars per million tokens written to the prompt cache, as The Maestro writes it. */
  readonly cacheWrite: (cost: Cost) => number | null;
}

const all = () => true;
/** OpenAI and Gemini cache prompts on their own and charge nothing for writing them. */
const freeWrites = () => 0;

export const OFFERINGS = {
  anthropic: { source: "anthropic", serves: all, billing: "per_token", cacheWrite: (cost) => cost.input * ANTHROPIC_ONE_HOUR_CACHE_WRITE },
  openai: { source: "openai", serves: (id) => !RESPONSES_ONLY.test(id), billing: "per_token", cacheWrite: freeWrites },
  openai_responses: { source: "openai", serves: all, billing: "per_token", cacheWrite: freeWrites },
  codex: { source: "openai", serves: (id) => CODEX_SERVES.test(id), billing: "subscription", cacheWrite: freeWrites },
  gemini: { source: "google", serves: all, billing: "per_token", cacheWrite: freeWrites },
} as const satisfies Record<ProviderId, Offering>;
