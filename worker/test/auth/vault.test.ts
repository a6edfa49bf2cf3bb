// Proves: the vault round-trips secrets; a rotated key ring still opens envelopes sealed with an
// older key; tampering, a foreign row, or an unknown key is refused; key-ring errors name no key.
import { describe, expect, it } from "vitest";
import { type KeyRing, parseKeyRing } from "../../src/auth/key-ring.ts";
import { envelopeKeyId, open, seal, secretHint } from "../../src/auth/vault.ts";
import { TEST_KEY_K1, TEST_KEY_K2 } from "../test-config.ts";

function ring(text: string): KeyRing {
  const parsed = parseKeyRing(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const CONTEXT = "saved_authentications:0b7d5a3e-1c2f-4b8a-9e6d-3f2a1b0c9d8e";
const SECRET = '{"api_key":"sk-ant-api03-abcdef"}';

describe("vault", () => {
  it("round-trips a secret, with a fresh IV each time", async () => {
    const keys = ring(`k1:${TEST_KEY_K1}`);
    const first = await seal(keys, SECRET, CONTEXT);
    const second = await seal(keys, SECRET, CONTEXT);
    expect(first).not.toBe(second);
    expect(first).not.toContain("sk-ant");
    expect(await open(keys, first, CONTEXT)).toEqual({ ok: true, value: SECRET });
  });

  it("opens envelopes of an older key after rotation, and seals with the new one", async () => {
    const before = ring(`k1:${TEST_KEY_K1}`);
    const old = await seal(before, SECRET, CONTEXT);
    const rotated = ring(`k2:${TEST_KEY_K2},k1:${TEST_KEY_K1}`);
    expect(await open(rotated, old, CONTEXT)).toEqual({ ok: true, value: SECRET });
    const fresh = await seal(rotated, SECRET, CONTEXT);
    expect(envelopeKeyId(fresh)).toBe("k2");
    expect(envelopeKeyId(old)).toBe("k1");
    // Once k1 is dropped from the ring, its envelopes no longer open.
    expect(await open(ring(`k2:${TEST_KEY_K2}`), old, CONTEXT)).toEqual({ ok: false, error: "UNKNOWN_KEY" });
  });

  it("refuses a tampered ciphertext, IV or key id", async () => {
    const keys = ring(`k2:${TEST_KEY_K2},k1:${TEST_KEY_K1}`);
    const envelope = await seal(keys, SECRET, CONTEXT);
    const [format, keyId, iv, ciphertext] = envelope.split(".") as [string, string, string, string];
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
    expect(await open(keys, [format, keyId, iv, flip(ciphertext, 3)].join("."), CONTEXT)).toEqual({ ok: false, error: "DECRYPT_FAILED" });
    expect(await open(keys, [format, keyId, flip(iv, 2), ciphertext].join("."), CONTEXT)).toEqual({ ok: false, error: "DECRYPT_FAILED" });
    expect(await open(keys, [format, "k1", iv, ciphertext].join("."), CONTEXT)).toEqual({ ok: false, error: "DECRYPT_FAILED" });
    expect(await open(keys, [format, keyId, iv, ciphertext.slice(0, -4)].join("."), CONTEXT)).toEqual({
      ok: false,
      error: "DECRYPT_FAILED",
    });
  });

  it("refuses an envelope copied onto another row", async () => {
    const keys = ring(`k1:${TEST_KEY_K1}`);
    const envelope = await seal(keys, SECRET, CONTEXT);
    expect(await open(keys, envelope, "saved_authentications:another-row")).toEqual({ ok: false, error: "DECRYPT_FAILED" });
  });

  it("refuses malformed envelopes", async () => {
    const keys = ring(`k1:${TEST_KEY_K1}`);
    for (const envelope of ["", "plain text", "mae1.k1.only-three", "mae2.k1.aaaa.bbbb", "mae1.k1.!!!.bbbb"]) {
      expect(await open(keys, envelope, CONTEXT)).toEqual({ ok: false, error: "MALFORMED_ENVELOPE" });
    }
  });

  it("rejects bad key rings without echoing key material", () => {
    const cases: [string, string][] = [
      ["", "no keys given"],
      [TEST_KEY_K1, "entry 1 needs the form <id>:<base64 key>"],
      ["k1:c2hvcnQ=", 'key "k1" must be 32 bytes of base64'],
      [`k1:${TEST_KEY_K1},k1:${TEST_KEY_K2}`, 'key id "k1" appears twice'],
    ];
    for (const [text, message] of cases) {
      const parsed = parseKeyRing(text);
      expect(parsed).toEqual({ ok: false, error: message });
    }
  });

  it("hints show only the last four characters, and nothing of short secrets", () => {
    expect(secretHint("sk-ant-api03-abcdef1234")).toBe("…1234");
    expect(secretHint("short")).toBe("…");
  });
});
