/**
 * Masking the secrets a call was made with wherever an upstream repeats them. A provider or MCP
 * server may quote our key or a header value back in an error body; `redactText` only knows the
 * shapes keys usually take, so text that enters from outside is masked by the *values* too, at
 * the boundary where it comes in — before it can reach a client, a row, `last_error` or a log.
 */
import { redactText } from "./log.ts";

const MASK = "[redacted]";
/** Shorter values would mask ordinary words; no real key, token or header secret is this short. */
const MIN_SECRET_LENGTH = 6;
const MAX_DEPTH = 12;

export class SecretMask {
  readonly #values: readonly string[];

  constructor(secrets: Iterable<string | null | undefined>) {
    const values = new Set<string>();
    for (const secret of secrets) {
      if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) continue;
      // "Bearer <token>": the token is the secret, and is what a server is likely to repeat alone.
      const scheme = secret.match(/^(?:Bearer|Basic|Token|Bot)\s+(\S+)$/i)?.[1];
      for (const value of scheme !== undefined && scheme.length >= MIN_SECRET_LENGTH ? [secret, scheme] : [secret]) {
        values.add(value);
        // The same value as it appears inside JSON text, or form- and URL-encoded.
        values.add(JSON.stringify(value).slice(1, -1));
        values.add(encodeURIComponent(value));
      }
    }
    // Longest first, so a value that contains another is masked whole.
    this.#values = [...values].sort((a, b) => b.length - a.length);
  }

  text(text: string): string {
    // Shorter than any secret value and any shape redactText knows (those take 8 characters or
    // more): most streamed tokens, masked once per chunk, end here.
    if (text.length < MIN_SECRET_LENGTH) return text;
    let masked = text;
    for (const value of this.#values) if (masked.includes(value)) masked = masked.replaceAll(value, MASK);
    return redactText(masked);
  }

  /**
   * Every string inside a JSON-like value (object keys are names, not secrets, and stay). Copied
   * only where a string changed: a request's history is mostly clean, and copying all of it was
   * most of the cost. The result may share what did not change with `value`, so neither is
   * changed afterwards.
   */
  deep<T>(value: T, depth = 0): T {
    if (typeof value === "string") return this.text(value) as T;
    if (value === null || typeof value !== "object" || depth >= MAX_DEPTH) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < value.length; index += 1) {
        const item: unknown = value[index];
        const masked = this.deep(item, depth + 1);
        if (masked !== item) (copy ??= [...value])[index] = masked;
      }
      return (copy ?? value) as T;
    }
    const record = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const masked = this.deep(item, depth + 1);
      if (masked !== item) (copy ??= { ...record })[key] = masked;
    }
    return (copy ?? value) as T;
  }

  /**
   * `value` as JSON text will show it, masked when it is serialized rather than now: a request's
   * record is stored after its answer, and masking the whole history before the request left
   * held every model call (milliseconds for a long session, each step).
   */
  later(value: unknown): MaskedLater {
    return new MaskedLater(value, this);
  }
}

/** A value masked by `JSON.stringify` (through `toJSON`), once, when it is first written out. */
export class MaskedLater {
  readonly #value: unknown;
  readonly #mask: SecretMask;
  #masked: { readonly value: unknown } | undefined;

  constructor(value: unknown, mask: SecretMask) {
    this.#value = value;
    this.#mask = mask;
  }

  toJSON(): unknown {
    this.#masked ??= { value: this.#mask.deep(this.#value) };
    return this.#masked.value;
  }
}
