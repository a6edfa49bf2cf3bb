// Proves: every recorded-style stream in test/fixtures/streams is one the provider's official SDK
// accepts as a well-formed response (or, for the broken ones, one it fails on too), so the corpus
// tests our parser against what providers send rather than against what our parser expects.
import { readFileSync, readdirSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SdkAcceptor } from "./sdk-acceptors/acceptor.ts";
import { anthropicAcceptor } from "./sdk-acceptors/anthropic.ts";
import { geminiAcceptor } from "./sdk-acceptors/gemini.ts";
import { openaiAcceptor } from "./sdk-acceptors/openai.ts";
import { openaiResponsesAcceptor } from "./sdk-acceptors/openai-responses.ts";

const ROOT = fileURLToPath(new URL("../fixtures/streams/", import.meta.url));

const ACCEPTORS: Record<string, SdkAcceptor> = {
  anthropic: anthropicAcceptor,
  openai: openaiAcceptor,
  openai_responses: openaiResponsesAcceptor,
  gemini: geminiAcceptor,
};

interface Fixture {
  readonly response?: { readonly status?: number; readonly headers?: Record<string, string> };
  readonly end?: "close" | "cut" | "hang";
  readonly model?: string;
  readonly expect: { readonly error_code?: string; readonly turn_status?: string; readonly retried?: boolean };
}

/** The body currently served, whatever path the SDK asks for. */
let current: { body: Buffer; status: number; headers: Record<string, string> } = { body: Buffer.alloc(0), status: 200, headers: {} };
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const json = current.status !== 200;
      response.writeHead(current.status, { "content-type": json ? "application/json" : "text/event-stream", ...current.headers });
      response.end(current.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  baseUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

for (const provider of Object.keys(ACCEPTORS)) {
  const folder = join(ROOT, provider);
  const scenarios = readdirSync(folder)
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.slice(0, -".json".length));
  describe(`${provider} corpus`, () => {
    it("has at least 15 scenarios", () => {
      expect(scenarios.length).toBeGreaterThanOrEqual(15);
    });
    for (const scenario of scenarios) {
      const fixture = JSON.parse(readFileSync(join(folder, `${scenario}.json`), "utf8")) as Fixture;
      // A stream that is whole (the provider finished it, even with a stop the session treats as
      // a failure) must be one the SDK reads to the end; cut, hanging, HTTP-error and in-stream
      // error bodies (retried ones included) are not.
      const whole =
        (fixture.end ?? "close") === "close" &&
        (fixture.response?.status ?? 200) === 200 &&
        fixture.expect.error_code === undefined &&
        fixture.expect.retried !== true;
      if (!whole) continue;
      it(`${scenario}: the official SDK reads it to the end`, async () => {
        current = { body: readFileSync(join(folder, `${scenario}.sse`)), status: 200, headers: fixture.response?.headers ?? {} };
        const reading = await (ACCEPTORS[provider] as SdkAcceptor)(baseUrl, fixture.model ?? "model");
        expect(reading.error, JSON.stringify(reading.summary)).toBeUndefined();
        expect(reading.ok).toBe(true);
      });
    }
  });
}
