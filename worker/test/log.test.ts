// Proves: the logger masks secrets before they reach a line, by key name, inside URLs and in
// free text, including inside nested errors.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createLogger, redact, redactText } from "../src/log.ts";
import { captureLogs } from "./helpers/logs.ts";

describe("redaction", () => {
  it("masks values of secret-named keys at any depth", () => {
    expect(
      redact({ api_key: "abc", nested: { Authorization: "Bearer x", list: [{ token: "t" }] }, label: "ok", is_token_valid: true }),
    ).toEqual({
      api_key: "[redacted]",
      nested: { Authorization: "[redacted]", list: [{ token: "[redacted]" }] },
      label: "ok",
      is_token_valid: true,
    });
  });

  it("keeps token counts, which are not secrets", () => {
    expect(redact({ input_tokens: 1200, output_tokens: 40, max_tokens: 64000, refresh_token: "r", MAESTRO_API_TOKEN: "t" })).toEqual({
      input_tokens: 1200,
      output_tokens: 40,
      max_tokens: 64000,
      refresh_token: "[redacted]",
      MAESTRO_API_TOKEN: "[redacted]",
    });
  });

  it("masks secrets inside text", () => {
    expect(redactText("postgres://maestro:hunter2@db.example/neondb")).toBe("postgres://maestro:[redacted]@db.example/neondb");
    expect(redactText("upstream said: invalid x-api-key sk-ant-api03-AbCdEf123456")).toBe("upstream said: invalid x-api-key [redacted]");
    expect(redactText("header Bearer eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl")).toBe("header [redacted]");
    expect(redactText("key=AIzaSyA1234567890abcdefghijklmnop")).toBe("key=[redacted]");
    expect(redactText("agent mae_agent_0123456789abcdefghij")).toBe("agent [redacted]");
  });

  it("masks a secret of every shape it knows wherever it sits in text, in any case", () => {
    const tail = (min: number) => fc.string({ unit: fc.constantFrom(..."abcXYZ0189_-"), minLength: min, maxLength: min + 12 });
    const secret = fc.oneof(
      fc.tuple(fc.constantFrom("Bearer ", "bearer ", "BASIC "), tail(8)).map(([scheme, value]) => scheme + value),
      fc.tuple(fc.constantFrom("sk-", "pk-", "rk-"), tail(8)).map(([prefix, value]) => prefix + value),
      tail(20).map((value) => `AIza${value}`),
      tail(16).map((value) => `mae_agent_${value}`),
      fc.tuple(tail(8), tail(8), tail(8)).map((parts) => `eyJ${parts.join(".")}`),
      fc.tuple(fc.constantFrom("https", "postgres", "redis"), tail(1)).map(([scheme, password]) => `${scheme}://user:${password}@host`),
    );
    const around = fc.string({ unit: fc.constantFrom(..."ab \n\t.,;:{}[]\"'"), maxLength: 40 });
    fc.assert(
      fc.property(around, secret, around, (before, value, after) => {
        const text = `${before} ${value} ${after}`;
        const shown = redactText(text);
        expect(shown).toContain("[redacted]");
        expect(shown).not.toContain(value);
      }),
      { numRuns: 500 },
    );
  });

  it("masks secrets in errors and their causes", () => {
    const error = new Error("connect failed for postgres://u:pw@host/db", { cause: new Error("token sk-proj-1234567890abcdef") });
    expect(JSON.stringify(redact({ error }))).not.toMatch(/pw@|sk-proj/);
  });

  it("writes one JSON line per event with bound fields", () => {
    const logs = captureLogs();
    try {
      createLogger({ request_id: "r1" }).child({ session_id: "s1" }).info("thing.happened", { api_key: "sk-live-000000000000", count: 2 });
    } finally {
      logs.stop();
    }
    expect(logs.lines).toHaveLength(1);
    const line = JSON.parse(logs.lines[0] ?? "{}") as Record<string, unknown>;
    expect(line).toMatchObject({
      level: "info",
      event: "thing.happened",
      request_id: "r1",
      session_id: "s1",
      api_key: "[redacted]",
      count: 2,
    });
  });
});
