/**
 * The agent's log: one line per event on stderr, `time level event key=value…`, readable in a
 * terminal and greppable. The only module that writes to the console. The agent token is the
 * one secret it holds; anything shaped like it (or a bearer value) is masked before printing.
 */

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const SECRETS = [/\bmae_[a-z]+_[A-Za-z0-9_-]{16,}/g, /\bBearer\s+\S{8,}/gi];

export function maskSecrets(text: string): string {
  return SECRETS.reduce((masked, pattern) => masked.replace(pattern, "[redacted]"), text);
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === "string") return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? "undefined";
}

export function createLogger(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const log = (level: string, event: string, fields: LogFields = {}) => {
    const pairs = Object.entries(fields).map(([key, value]) => `${key}=${formatValue(value)}`);
    write(maskSecrets([new Date().toISOString(), level, event, ...pairs].join(" ")));
  };
  return {
    info: (event, fields) => log("info", event, fields),
    warn: (event, fields) => log("warn", event, fields),
    error: (event, fields) => log("error", event, fields),
  };
}
