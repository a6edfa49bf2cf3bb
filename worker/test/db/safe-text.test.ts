// Proves: safe-text.ts's escape gives back every JS string exactly (NUL, lone surrogates of both
// kinds, U+E000 and its look-alike escapes, surrogate pairs), stores only well-formed UTF-16
// without NUL (what Postgres text and UTF-8 can hold), and leaves ordinary text unchanged.
import { describe, expect, it } from "vitest";
import { decodeText, encodeText } from "../../src/db/safe-text.ts";

/** The characters that matter to the escape, and a few that must pass through untouched. */
const ALPHABET = [
  "\0",
  "\uD800",
  "\uDBFF",
  "\uDC00",
  "\uDFFF",
  "\uD83D",
  "\uDE00",
  "\u{1F600}",
  "\uE000",
  "\uE001",
  "\uE800",
  "\uEFFF",
  "\uE7FF",
  "\uF000",
  "\u202E",
  "\u200D",
  "\uFFFD",
  "a",
  "%",
  "_",
  "\\",
  "é",
];

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomString(next: () => number): string {
  const length = Math.floor(next() * 24);
  let text = "";
  for (let index = 0; index < length; index += 1) text += ALPHABET[Math.floor(next() * ALPHABET.length)] ?? "";
  return text;
}

describe("safe text", () => {
  it("escapes each special character as documented", () => {
    expect(encodeText("\0")).toBe("\uE000\uE001");
    expect(encodeText("\uD800")).toBe("\uE000\uE800");
    expect(encodeText("\uDBFF")).toBe("\uE000\uEBFF");
    expect(encodeText("\uDC00")).toBe("\uE000\uEC00");
    expect(encodeText("\uDFFF")).toBe("\uE000\uEFFF");
    expect(encodeText("\uE000")).toBe("\uE000\uE000");
    expect(encodeText("a\0b\uE000c")).toBe("a\uE000\uE001b\uE000\uE000c");
  });

  it("keeps surrogate pairs and ordinary text as they are", () => {
    for (const text of ["", "hello", "\u{1F600}", "\uD83D\uDE00", "\u202Eright-to-left\u200D", "\uE001\uE800\uF8FF", "%_\\"]) {
      expect(encodeText(text)).toBe(text);
      expect(decodeText(text)).toBe(text);
    }
  });

  it("tells a lone surrogate from one half of a pair", () => {
    // A high surrogate, then a pair; a low one after another low one.
    expect(encodeText("\uD800\uD83D\uDE00")).toBe("\uE000\uE800\uD83D\uDE00");
    expect(encodeText("\uDE00\uDE00")).toBe("\uE000\uEE00\uE000\uEE00");
    expect(encodeText("\uD83D\uDE00\uDE00")).toBe("\uD83D\uDE00\uE000\uEE00");
  });

  it("decodes text that was stored before the escape existed (a bare U+E000) as it is", () => {
    expect(decodeText("\uE000")).toBe("\uE000");
    expect(decodeText("a\uE000b")).toBe("a\uE000b");
  });

  it("gives back every string exactly and stores only NUL-free, well-formed text (10,000 random strings)", () => {
    const next = random(20_261_124);
    for (let round = 0; round < 10_000; round += 1) {
      const text = randomString(next);
      const stored = encodeText(text);
      expect(stored.includes("\0"), JSON.stringify(text)).toBe(false);
      expect(stored.isWellFormed(), JSON.stringify(text)).toBe(true);
      expect(decodeText(stored), JSON.stringify(text)).toBe(text);
    }
  });

  it("is one-to-one: different strings are stored differently", () => {
    const next = random(7);
    const seen = new Map<string, string>();
    for (let round = 0; round < 5_000; round += 1) {
      const text = randomString(next);
      const stored = encodeText(text);
      const earlier = seen.get(stored);
      if (earlier !== undefined) expect(earlier).toBe(text);
      seen.set(stored, text);
    }
  });
});
