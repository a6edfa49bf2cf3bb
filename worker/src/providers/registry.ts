/**
 * Every provider, by id. Adding one is a new file and one line here (STYLE §2.2); nothing outside
 * providers/ branches on a provider id.
 */
import type { ProviderId } from "@maestro/protocol";
import { anthropic } from "./anthropic.ts";
import { codex } from "./codex.ts";
import { gemini } from "./gemini.ts";
import { openai } from "./openai.ts";
import { openaiResponses } from "./openai-responses.ts";
import type { Provider } from "./provider.ts";

export const providers = {
  anthropic,
  openai,
  openai_responses: openaiResponses,
  codex,
  gemini,
} satisfies Record<ProviderId, Provider>;

export function providerFor(id: ProviderId): Provider {
  return providers[id];
}
