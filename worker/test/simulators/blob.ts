/**
 * Large, deterministic, varied text for tool-output tests: the simulator serves it at
 * `GET /__sim/blob?bytes=N&seed=S` (text/plain, exactly N bytes), so a tool such as fetch_url can
 * pull a big body from inside workerd. The same N and seed always give the same bytes; the text is
 * ASCII (one byte per character), numbered lines of words, so it is not one repeated line and a
 * reader can tell where it was cut. No Node APIs: tests in workerd can compute the expected text.
 */

export const MAX_BLOB_BYTES = 32 * 1024 * 1024;

const WORDS = [
  "alpha",
  "bravo",
  "charlie",
  "delta",
  "echo",
  "foxtrot",
  "golf",
  "hotel",
  "india",
  "juliet",
  "kilo",
  "lima",
  "mike",
  "november",
  "oscar",
  "papa",
  "quebec",
  "romeo",
  "sierra",
  "tango",
  "uniform",
  "victor",
  "whiskey",
  "xray",
  "yankee",
  "zulu",
  "context",
  "window",
  "token",
  "stream",
  "session",
  "worker",
  "compact",
  "summary",
  "request",
  "answer",
  "tool",
  "output",
  "history",
  "model",
  "provider",
  "simulator",
  "fixture",
  "budget",
  "cache",
  "prefix",
  "const",
  "return",
  "function",
  "await",
  "export",
  "import",
  "interface",
  "string",
  "number",
  "boolean",
] as const;

/** FNV-1a over the seed's characters: a 32-bit start for the generator. */
function hashSeed(seed: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < seed.length; index += 1) {
    hash ^= seed.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** mulberry32: a small, fast, well-mixed 32-bit generator. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return (value ^ (value >>> 14)) >>> 0;
  };
}

/** Exactly `bytes` bytes (and characters) of text, the same for the same seed. */
export function blobText(bytes: number, seed = "0"): string {
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > MAX_BLOB_BYTES) throw new RangeError(`bytes must be 0…${MAX_BLOB_BYTES}`);
  const next = generator(hashSeed(seed));
  const lines: string[] = [];
  let length = 0;
  for (let line = 1; length < bytes; line += 1) {
    const words: string[] = [`${String(line).padStart(6, "0")}:`];
    const count = 6 + (next() % 12);
    for (let index = 0; index < count; index += 1) {
      const roll = next();
      // Mostly words, some numbers and hex, so lines differ in shape as well as in content.
      words.push(
        roll % 9 === 0
          ? String(roll % 100_000)
          : roll % 13 === 0
            ? `0x${(roll >>> 8).toString(16)}`
            : (WORDS[roll % WORDS.length] ?? "word"),
      );
    }
    const text = `${words.join(" ")}\n`;
    lines.push(text);
    length += text.length;
  }
  return lines.join("").slice(0, bytes);
}
