// Proves: masking what an upstream sends back still catches our secrets (a value as short as six
// characters, its JSON-escaped form, and the key shapes redactText knows) while the short strings
// most streamed tokens are pass through untouched, as the per-chunk fast path assumes.
import { describe, expect, it } from "vitest";
import { SecretMask } from "../src/secret-mask.ts";

describe("SecretMask", () => {
  const mask = new SecretMask(["s3cr3t", 'ab"cdef', "Bearer tok-123456"]);

  it("masks a secret value of the shortest length kept, and its JSON-escaped form", () => {
    expect(mask.text("s3cr3t")).toBe("[redacted]");
    expect(mask.text('key: ab\\"cdef')).toBe("key: [redacted]");
    expect(mask.text("Bearer tok-123456")).toBe("[redacted]");
    expect(mask.text("the token tok-123456 again")).toBe("the token [redacted] again");
  });

  it("masks the shapes of provider keys in text it was not told about", () => {
    expect(mask.text("sk-abcdefgh12")).toBe("[redacted]");
  });

  it("returns short text (most streamed tokens) as it is, at any depth", () => {
    for (const token of ["", "a", "word ", "s3cr3", " the"]) expect(mask.text(token)).toBe(token);
    expect(mask.deep({ delta: { type: "text_delta", text: "word " } })).toEqual({ delta: { type: "text_delta", text: "word " } });
  });
});
