// Proves: the text check the file tools share tells well-formed UTF-8 without NUL from everything
// else, byte by byte (overlong forms, surrogates, code points above U+10FFFF, sequences cut off by
// the end), says where text stops, and that a cut never splits a character.
import { describe, expect, it } from "vitest";
import { characterBoundary, findBinary } from "./file-limits.ts";

const bytes = (...values: number[]) => Uint8Array.from(values);

describe("findBinary", () => {
  it("passes any well-formed UTF-8 without NUL, control characters included", () => {
    const text = "a\x01\x1b[0m\x7f\r\t é € 😀 \u202E\u200B\uFEFF \u{10FFFF}";
    expect(findBinary(Buffer.from(text))).toBeUndefined();
    expect(findBinary(bytes())).toBeUndefined();
  });

  it("finds a NUL byte and the first byte of an invalid sequence", () => {
    expect(findBinary(Buffer.from("abc\0def"))).toEqual({ at: 3, reason: "a NUL byte" });
    for (const [name, invalid] of [
      ["a lone continuation byte", bytes(0x80)],
      ["an overlong form", bytes(0xc0, 0x80)],
      ["an overlong three-byte form", bytes(0xe0, 0x80, 0x80)],
      ["a surrogate", bytes(0xed, 0xa0, 0x80)],
      ["a code point above U+10FFFF", bytes(0xf4, 0x90, 0x80, 0x80)],
      ["a byte never used in UTF-8", bytes(0xff)],
      ["a sequence cut off by the end", bytes(0xe2, 0x82)],
      ["Latin-1 text", Buffer.from("\xe9t\xe9", "latin1")],
    ] as const) {
      const spot = findBinary(Buffer.concat([Buffer.from("ok é "), invalid]));
      expect(spot, name).toEqual({ at: 6, reason: "invalid UTF-8" });
    }
  });
});

describe("characterBoundary", () => {
  it("moves a cut back to where the character it would split starts", () => {
    const text = Buffer.from("ab😀cd"); // the emoji is bytes 2-5
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((max) => characterBoundary(text, max))).toEqual([0, 1, 2, 2, 2, 2, 6, 7, 8]);
    expect(characterBoundary(text, 100)).toBe(text.length);
  });
});
