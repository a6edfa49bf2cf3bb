/** A sensible first model for each provider, to prefill the new-session form (any model id works). */
import type { ProviderId } from "@maestro/protocol";

export const SUGGESTED_MODEL: Record<ProviderId, string> = {
  anthropic: "claude-sonnet-4-5",
  openai: "gpt-4.1",
  openai_responses: "gpt-5",
  codex: "gpt-5.5",
  gemini: "gemini-2.5-pro",
};
