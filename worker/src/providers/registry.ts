/**
 * Every provider, by id. Adding one is a new file and one line here (STYLE §2.2); nothing outside
 * providers/ branches on a provider id. Codex (ChatGPT subscription OAuth) arrives with the
 * credential lifecycle; until then choosing it is refused with a clear error where sessions start.
 */
import type { ProviderId } from "@maestro/protocol";
import { anthropic } from "./anthropic.ts";
import { gemini } from "./gemini.ts";
import { openai } from "./openai.ts";
import { openaiResponses } from "./openai-responses.ts";
import type { Provider } from "./provider.ts";

export const providers = {
  anthropic,
  openai,
  openai_responses: openaiResponses,
  gemini,
} satisfies Partial<Record<ProviderId, Provider>>;

export function providerFor(id: ProviderId): Provider | undefined {
  return (providers as Partial<Record<ProviderId, Provider>>)[id];
}
