/**
 * JSON kept as the exact text JSON.stringify wrote, in a `text` column. `jsonb` reorders object
 * keys and refuses the escape \u0000 (and lone-surrogate escapes); tool-call arguments and tool
 * schemas must come back in the order they were written, or the next request after a reload
 * differs from the one before it and the provider's prompt cache misses. JSON.stringify escapes
 * NUL and lone surrogates (\u0000, \ud800), so the stored text is plain well-formed UTF-8.
 * (`json` would also keep the text, but the driver parses it itself, outside parseJson, and
 * Postgres' JSON operators fail on exactly those escapes: see migration 0002's header.)
 */
import { parseJson } from "@maestro/protocol";
import { customType } from "drizzle-orm/pg-core";

function toJsonText(value: unknown): string {
  const text = JSON.stringify(value);
  // undefined, a function or a symbol: there is no JSON for it, and storing "" would lose that.
  if (text === undefined) throw new Error("a JSON text column was given a value that has no JSON form");
  return text;
}

/**
 * A column of type `text` holding JSON. `T` is what the code writes there; like `jsonb().$type<T>()`
 * it is trusted, not checked, on the way out (the row mappers validate what leaves the module).
 */
export function jsonText<T>() {
  return customType<{ data: T; driverData: string }>({
    dataType: () => "text",
    toDriver: toJsonText,
    fromDriver: (text) => {
      const parsed = parseJson(text);
      if (!parsed.ok) throw new Error("a JSON text column holds text that is not JSON");
      return parsed.value as T;
    },
  })();
}
