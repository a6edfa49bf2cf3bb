/** Small display formatters shared by the screens. */

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

export function timeAgo(iso: string, now: number = Date.now()): string {
  const elapsed = Date.parse(iso) - now;
  for (const [unit, size] of UNITS) {
    if (Math.abs(elapsed) >= size) return relative.format(Math.round(elapsed / size), unit);
  }
  return "just now";
}

/** Money: protocol's one format, so the TUI writes the same amount the same way. */
export { formatUsd as usd } from "@maestro/protocol";

export function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function tokens(count: number): string {
  return count >= 10_000 ? `${(count / 1000).toFixed(1)}k` : String(count);
}

/** A token limit in short (200000 → 200k): protocol's, so the TUI says it the same way. */
export { shortTokens } from "@maestro/protocol";

/**
 * A credential in a choice: its label, and its provider unless the label already ends with it
 * ("Demo (simulated, no real model): openai", not "…: openai (openai)"), so choices stay short
 * enough to show whole on a phone.
 */
export function credentialName(credential: { readonly label: string; readonly provider: string }): string {
  return credential.label.toLowerCase().endsWith(credential.provider.toLowerCase())
    ? credential.label
    : `${credential.label} (${credential.provider})`;
}
