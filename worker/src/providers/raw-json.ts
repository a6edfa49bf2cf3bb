/**
 * JSON text that must reach the provider exactly as it was written — a tool call's arguments as
 * the model produced them. `JSON.stringify` would re-spell it (integer-like keys first, `1.0` as
 * `1`, big integers rounded), so a request body holds such text as a `RawJson` and is encoded by
 * `encodeRequestBody`, which splices the text in verbatim.
 */
export class RawJson {
  readonly text: string;
  /** The same value parsed, for the exchange record and anything that reads the body as data. */
  readonly value: unknown;

  constructor(text: string, value: unknown) {
    this.text = text;
    this.value = value;
  }
}

export interface EncodedBody {
  /** What goes on the wire. */
  readonly text: string;
  /** The body as plain data (raw texts as their values), for the exchange record. */
  readonly record: Record<string, unknown>;
}

export function encodeRequestBody(body: Record<string, unknown>): EncodedBody {
  const raws: string[] = [];
  // A marker no real string can collide with: it carries a fresh random nonce.
  const nonce = crypto.randomUUID();
  const text = JSON.stringify(body, (_key, value: unknown) => {
    if (!(value instanceof RawJson)) return value;
    raws.push(value.text);
    return `${nonce}:${raws.length - 1}`;
  });
  if (raws.length === 0) return { text, record: body };
  const spliced = text.replace(new RegExp(`"${nonce}:(\\d+)"`, "g"), (_match, index: string) => raws[Number(index)] ?? "null");
  return { text: spliced, record: plain(body) as Record<string, unknown> };
}

/** The body with every RawJson replaced by its parsed value. */
function plain(value: unknown): unknown {
  if (value instanceof RawJson) return value.value;
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
}
