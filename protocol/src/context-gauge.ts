/**
 * How full a session's context is, in one wording for the web header and the TUI status line:
 * "143k / 200k", or "143k" when the model's window is unknown.
 */
import type { SessionContext } from "./rest/sessions.ts";

/** A token count in short, one way for every client: 200000 → 200k, 32768 → 32.8k, 1048576 → 1.05M. */
export function shortTokens(count: number): string {
  if (count >= 1_000_000) return `${Number((count / 1_000_000).toFixed(2))}M`;
  if (count >= 1000) return `${Number((count / 1000).toFixed(1))}k`;
  return String(count);
}

export function contextGauge(context: SessionContext): string {
  const used = shortTokens(context.used_tokens);
  return context.window_tokens === null ? used : `${used} / ${shortTokens(context.window_tokens)}`;
}

/** The share of the window in use, 0–1, or null when the window is unknown. */
export function contextShare(context: SessionContext): number | null {
  return context.window_tokens === null ? null : Math.min(1, context.used_tokens / context.window_tokens);
}
