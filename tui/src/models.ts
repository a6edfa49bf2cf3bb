/** What the terminal says about a model from the catalog (GET /models): its window, in short token counts. */
import { type Model, modelMatcher, shortTokens } from "@maestro/protocol";

/** 200000 → 200k, 32768 → 32.8k, 1048576 → 1.05M (protocol's, so the web UI says it the same way). */
export { shortTokens };

/**
 * The window a session works with, as a phrase: its own override, else the catalog's for the
 * model (dated variants included), else unknown — any id is accepted all the same.
 */
export function windowNote(models: readonly Model[], model: string, sessionWindow: number | null): string {
  if (sessionWindow !== null) return `${shortTokens(sessionWindow)} context (the session's own)`;
  const known = modelMatcher(models)(model);
  if (known === undefined) return "not in the catalog: context window unknown";
  return known.context_window === null ? "context window unknown" : `${shortTokens(known.context_window)} context`;
}
