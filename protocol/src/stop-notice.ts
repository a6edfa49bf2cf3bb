/**
 * What a client says under an answer that ended other than by the model finishing: one wording,
 * shared by the web UI and the TUI so they never disagree.
 */
import type { StopReason } from "./stream-event.ts";

const NOTICES: Partial<Record<StopReason, string>> = {
  max_tokens: "Stopped at the output limit.",
  content_filter: "Stopped by the provider's content filter.",
  refusal: "The model declined to answer.",
  step_limit: "Stopped after the most model calls one turn may make.",
};

/** The notice for an answer's stop reason, or null when it ended normally. */
export function stopNotice(reason: StopReason | null): string | null {
  return reason === null ? null : (NOTICES[reason] ?? null);
}
