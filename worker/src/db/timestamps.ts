/** Row timestamps to wire timestamps (ISO 8601 UTC). */

export function iso(date: Date): string {
  return date.toISOString();
}

export function isoOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
