/**
 * Any JS string, safe in a Postgres `text` column. Postgres refuses NUL (0x00) outright, and a
 * lone UTF-16 surrogate cannot be encoded as UTF-8, so the driver silently turns it into U+FFFD.
 * Titles, prompts, labels, tool output and provider errors can hold either, so free-text columns
 * store this reversible escape instead (schema.ts: `safeText()`), with U+E000 (private use) as
 * the escape character:
 *
 *   U+0000                      → U+E000 U+E001
 *   lone surrogate u (D800–DFFF) → U+E000 (U+E800 + (u − 0xD800))   i.e. U+E800–U+EFFF
 *   U+E000                      → U+E000 U+E000
 *   anything else (surrogate pairs included) is kept as it is.
 *
 * Every escape starts with U+E000 and U+E000 never appears unescaped, so this is a prefix code:
 * decodeText(encodeText(s)) === s for every string, and the stored form is well-formed UTF-16
 * without NUL. Text with none of those characters is stored unchanged, so existing rows needed
 * only their U+E000s doubled (migration 0002). SQL that compares such a column with a value
 * drizzle does not bind through the column (`ilike`, raw `sql`) must compare encodeText(value).
 */
import { customType } from "drizzle-orm/pg-core";

const ESCAPE = 0xe000;
const NUL_CODE = 0xe001;
const SURROGATE_BASE = 0xe800;
const SURROGATE_MIN = 0xd800;

/** NUL, U+E000, a high surrogate not followed by a low one, a low one not preceded by a high one. */
const NEEDS_ESCAPE = /\0|\uE000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPED = /\uE000[\uE000\uE001\uE800-\uEFFF]/g;

function escapeOne(character: string): string {
  const code = character.charCodeAt(0);
  if (code === 0) return String.fromCharCode(ESCAPE, NUL_CODE);
  if (code === ESCAPE) return String.fromCharCode(ESCAPE, ESCAPE);
  return String.fromCharCode(ESCAPE, SURROGATE_BASE + (code - SURROGATE_MIN));
}

function unescapeOne(sequence: string): string {
  const code = sequence.charCodeAt(1);
  if (code === ESCAPE) return "\uE000";
  if (code === NUL_CODE) return "\0";
  return String.fromCharCode(SURROGATE_MIN + (code - SURROGATE_BASE));
}

export function encodeText(text: string): string {
  return text.replace(NEEDS_ESCAPE, escapeOne);
}

/**
 * The inverse of encodeText. A U+E000 followed by anything else is not something encodeText
 * writes; it is kept as it is rather than failing the read of a whole row.
 */
export function decodeText(stored: string): string {
  return stored.includes("\uE000") ? stored.replace(ESCAPED, unescapeOne) : stored;
}

/** A `text` column holding encodeText of its value; reads give back exactly what was written. */
export const safeText = customType<{ data: string; driverData: string }>({
  dataType: () => "text",
  toDriver: encodeText,
  fromDriver: decodeText,
});
