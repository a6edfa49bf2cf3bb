/** Recognising the Postgres errors that are expected outcomes rather than bugs. */

const UNIQUE_VIOLATION = "23505";

/** drizzle wraps driver errors; the Postgres SQLSTATE sits somewhere down the cause chain. */
function sqlState(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === UNIQUE_VIOLATION;
}
