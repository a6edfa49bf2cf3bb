/**
 * Limits and checks the file tools share: how much they read, and how binary is told from text.
 * Text is well-formed UTF-8 without NUL bytes; everything else in it (control characters such as
 * ESC, RTL marks, zero-width characters, a BOM) is text and must come through untouched.
 */
import { isUtf8 } from "node:buffer";

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const SNIFF_BYTES = 8192;

/** A NUL byte in the first 8 KiB: the same quick test git and grep use (grep's only check). */
export function startsLikeBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, SNIFF_BYTES).includes(0);
}

/** Where the first non-text byte is, and what it is. */
export interface BinarySpot {
  /** Index into the bytes that were checked. */
  readonly at: number;
  readonly reason: "a NUL byte" | "invalid UTF-8";
}

/**
 * The length of the well-formed UTF-8 sequence starting at `at` (Unicode Table 3-7: no overlong
 * forms, no surrogates, nothing above U+10FFFF, none cut off by the end), or 0 if there is none.
 */
function sequenceLength(bytes: Uint8Array, at: number): number {
  const lead = bytes[at] ?? 0;
  if (lead < 0x80) return 1;
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else return 0;
  for (let index = 1; index < length; index += 1) {
    // Past the end reads as -1, which no range admits: a cut-off sequence is not text.
    const byte = bytes[at + index] ?? -1;
    if (byte < (index === 1 ? low : 0x80) || byte > (index === 1 ? high : 0xbf)) return 0;
  }
  return length;
}

/** The first NUL byte or invalid UTF-8 in `bytes`, or undefined when all of it is text. */
export function findBinary(bytes: Uint8Array): BinarySpot | undefined {
  // Native and fast for the usual case; the walk below only runs to say where text stops.
  if (!bytes.includes(0) && isUtf8(bytes)) return undefined;
  for (let at = 0; at < bytes.length;) {
    if (bytes[at] === 0) return { at, reason: "a NUL byte" };
    const length = sequenceLength(bytes, at);
    if (length === 0) return { at, reason: "invalid UTF-8" };
    at += length;
  }
  return undefined;
}

/**
 * The largest end ≤ `max` that does not split a UTF-8 character: when the byte at `max` continues
 * a character, the cut moves back to where that character starts.
 */
export function characterBoundary(bytes: Uint8Array, max: number): number {
  if (max >= bytes.length) return bytes.length;
  const continues = (at: number) => ((bytes[at] ?? 0) & 0xc0) === 0x80;
  let end = max;
  while (end > 0 && max - end < 3 && continues(end)) end -= 1;
  // More than three continuation bytes in a row is not a character at all; the check that
  // follows every cut reports it, so cutting anywhere is fine.
  return continues(end) ? max : end;
}
