// Proves: masking what an upstream sends back still catches our secrets (a value as short as six
// characters, its JSON-escaped form, and the key shapes redactText knows) while the short strings
// most streamed tokens are pass through untouched, as the per-chunk fast path assumes. A value with
// nothing to mask comes back as it is (no copy of a whole history), one with something is copied
// only along the way to it, and a value masked later is masked when JSON.stringify writes it.
import { describe, expect, it, vi } from "vitest";
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

  it("copies only the way to what it masks, and nothing of a clean value", () => {
    const clean = { messages: [{ role: "user", content: [{ type: "text", text: "read the file please" }] }] };
    expect(mask.deep(clean)).toBe(clean);
    const leaked = { model: "m", messages: [clean.messages[0], { role: "user", content: [{ type: "text", text: "it is s3cr3t now" }] }] };
    const masked = mask.deep(leaked);
    expect(masked).toEqual({
      model: "m",
      messages: [clean.messages[0], { role: "user", content: [{ type: "text", text: "it is [redacted] now" }] }],
    });
    expect(masked.messages[0]).toBe(clean.messages[0]);
    expect(leaked.messages[1]?.content[0]?.text).toBe("it is s3cr3t now");
  });

  it("masks a value kept for later once, when JSON.stringify writes it", () => {
    const deep = vi.spyOn(mask, "deep");
    const later = mask.later({ text: "say s3cr3t" });
    expect(deep).not.toHaveBeenCalled();
    expect(JSON.stringify({ body: later })).toBe('{"body":{"text":"say [redacted]"}}');
    const calls = deep.mock.calls.length;
    expect(JSON.stringify(later)).toBe('{"text":"say [redacted]"}');
    expect(deep).toHaveBeenCalledTimes(calls);
    deep.mockRestore();
  });
});
