/**
 * Structured logging: one JSON object per line. The only module allowed to touch `console`.
 * Everything passes through `redact`, so a secret that slips into a field is masked before it
 * reaches a log line: by key name, by URL password, and by the shapes API keys and tokens take.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

// Names of secret-bearing fields: `api_key`, `Authorization`, `refresh_token`… but not token
// *counts* (`input_tokens`, `max_tokens`), which are what the logs are for.
const SECRET_KEY =
  /(authorization|api[-_]?key|secret|password|passwd|cookie|credential_value|encryption[-_]?keys?|private[-_]?key|token)$/i;
// Shapes of secrets inside free text: bearer values, provider keys, our own tokens, JWTs.
const SECRET_TEXT: readonly RegExp[] = [
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\bmae_[a-z]+_[A-Za-z0-9_-]{16,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
];
// The lookbehind makes a scheme start only where a word starts: without it, a long run of letters
// is tried from every position, quadratic in its length (a 100 KB tool argument took seconds).
const URL_PASSWORD = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]+):[^@/?#\s]+@/gi;
// Every shape above contains one of these, case aside. Most text — a file's lines, a whole
// request's history — contains none, and one scan for them costs a fifth of running the patterns.
const MAY_HOLD_SECRET = /bearer|basic|[spr]k-|aiza|mae_|eyj|:\/\//i;
const REDACTED = "[redacted]";
const MAX_DEPTH = 6;

export function redactText(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text;
  let result = text.replace(URL_PASSWORD, `$1:${REDACTED}@`);
  for (const pattern of SECRET_TEXT) result = result.replace(pattern, REDACTED);
  return result;
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[truncated]";
  if (value instanceof Error) return describeError(value, depth);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] =
      SECRET_KEY.test(key) && item !== null && item !== undefined && typeof item !== "boolean" ? REDACTED : redact(item, depth + 1);
  }
  return result;
}

function describeError(error: Error, depth: number): Record<string, unknown> {
  const described: Record<string, unknown> = { name: error.name, message: redactText(error.message) };
  const extra = error as Error & { code?: unknown; internal?: unknown };
  if (typeof extra.code === "string") described.code = extra.code;
  if (typeof extra.internal === "string") described.internal = redactText(extra.internal);
  if (error.cause !== undefined) described.cause = redact(error.cause, depth + 1);
  return described;
}

export function createLogger(bound: LogFields = {}): Logger {
  const write = (level: LogLevel, event: string, fields: LogFields = {}) => {
    const line = JSON.stringify(redact({ level, event, time: new Date().toISOString(), ...bound, ...fields }));
    (level === "error" ? console.error : level === "warn" ? console.warn : console.log)(line);
  };
  return {
    debug: (event, fields) => write("debug", event, fields),
    info: (event, fields) => write("info", event, fields),
    warn: (event, fields) => write("warn", event, fields),
    error: (event, fields) => write("error", event, fields),
    child: (fields) => createLogger({ ...bound, ...fields }),
  };
}
