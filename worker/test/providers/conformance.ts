// The conformance suite every provider runs (drizzle's shared `tests()` pattern): the same
// scripted turns, rendered by the simulator in the provider's own wire format, must come out as
// the same StreamEvents. The simulator refuses requests whose headers differ from the captured
// reference, so every case here also proves the headers are right.
import type { ProviderId, StreamEvent } from "@maestro/protocol";
import { describe, expect, inject, it } from "vitest";
import type { ProviderExchange, ProviderRequest } from "../../src/providers/provider.ts";
import { providerFor } from "../../src/providers/registry.ts";
import { recordedRequests, registerScript, scriptKey } from "../simulators/client.ts";
import type { TurnInput } from "../simulators/script.ts";

export interface ConformanceOptions {
  /** What a credential's base_url would be to reach the simulator. */
  readonly baseUrl: (simulatorUrl: string) => string;
  readonly model: string;
  /** Whether the wire format carries cache writes (Anthropic only). */
  readonly reportsCacheWrites: boolean;
  /** Codex: the ChatGPT account the credential belongs to. */
  readonly accountId?: string;
}

const REQUEST = (model: string): ProviderRequest => ({
  model,
  system: "You are a test.",
  messages: [{ role: "user", content: [{ type: "text", text: "hello" }] }],
  tools: [{ name: "read_file", description: "Read a file", inputSchema: { type: "object", properties: { path: { type: "string" } } } }],
});

export interface Run {
  readonly events: StreamEvent[];
  readonly exchange: ProviderExchange;
  readonly key: string;
}

export async function run(
  providerId: ProviderId,
  options: ConformanceOptions,
  turns: TurnInput[],
  abortAfter?: (event: StreamEvent) => boolean,
): Promise<Run> {
  const simulatorUrl = inject("simulatorUrl");
  const key = scriptKey(providerId);
  await registerScript(simulatorUrl, key, turns);
  const provider = providerFor(providerId);
  const controller = new AbortController();
  const exchange: ProviderExchange = {};
  const events: StreamEvent[] = [];
  const context = {
    credential: { apiKey: key, baseUrl: options.baseUrl(simulatorUrl), accountId: options.accountId ?? null },
    signal: controller.signal,
    fetch: globalThis.fetch.bind(globalThis),
    sessionKey: "session-key",
    exchange,
  };
  for await (const event of provider.stream(REQUEST(options.model), context)) {
    events.push(event);
    if (abortAfter?.(event)) controller.abort();
  }
  return { events, exchange, key };
}

const textOf = (events: StreamEvent[], type: "text_delta" | "thinking_delta") =>
  events.flatMap((event) => (event.type === type ? [event.text] : [])).join("");

const last = (events: StreamEvent[]) => events.at(-1);

export function conformance(providerId: ProviderId, options: ConformanceOptions): void {
  describe(`${providerId} conformance`, () => {
    it("streams a text-only turn", async () => {
      const { events } = await run(providerId, options, [{ steps: [{ kind: "text", text: "Hello there, how can I help?" }] }]);
      expect(textOf(events, "text_delta")).toBe("Hello there, how can I help?");
      expect(events.filter((event) => event.type === "text_delta").length).toBeGreaterThan(1);
      expect(last(events)).toMatchObject({ type: "stop", reason: "end_turn" });
      expect(events.some((event) => event.type === "error")).toBe(false);
    });

    it("streams thinking before the answer", async () => {
      const { events } = await run(providerId, options, [
        {
          steps: [
            { kind: "thinking", text: "Let me think about this.", signature: "sig-1" },
            { kind: "text", text: "Done." },
          ],
        },
      ]);
      expect(textOf(events, "thinking_delta")).toBe("Let me think about this.");
      expect(textOf(events, "text_delta")).toBe("Done.");
      const firstText = events.findIndex((event) => event.type === "text_delta");
      const lastThinking = events.findLastIndex((event) => event.type === "thinking_delta" && event.text.length > 0);
      expect(lastThinking).toBeLessThan(firstText);
    });

    it("streams parallel tool calls, each started, argued and ended", async () => {
      const { events } = await run(providerId, options, [
        {
          steps: [
            { kind: "text", text: "Reading both." },
            {
              kind: "tool_calls",
              calls: [
                { name: "read_file", args: { path: "a.ts" } },
                { name: "read_file", args: { path: "b.ts", limit: 20 } },
              ],
            },
          ],
        },
      ]);
      const starts = events.filter((event) => event.type === "tool_call" && event.phase === "start");
      const ends = events.flatMap((event) => (event.type === "tool_call" && event.phase === "end" ? [event] : []));
      expect(starts).toHaveLength(2);
      expect(ends.map((event) => event.args)).toEqual([{ path: "a.ts" }, { path: "b.ts", limit: 20 }]);
      expect(new Set(ends.map((event) => event.call_id)).size).toBe(2);
      expect(ends.map((event) => event.call_id)).toEqual(starts.map((event) => (event.type === "tool_call" ? event.call_id : "")));
      for (const end of ends) {
        const deltas = events.flatMap((event) =>
          event.type === "tool_call" && event.phase === "args_delta" && event.call_id === end.call_id ? [event.delta] : [],
        );
        expect(JSON.parse(deltas.join(""))).toEqual(end.args);
      }
      expect(last(events)).toMatchObject({ type: "stop", reason: "tool_use" });
    });

    it("reports usage with cache tokens, uncached input apart from cached", async () => {
      const { events } = await run(providerId, options, [
        {
          steps: [{ kind: "text", text: "ok" }],
          usage: { input_tokens: 150, output_tokens: 12, cache_read_tokens: 4000, cache_write_tokens: 300 },
        },
      ]);
      expect(events.filter((event) => event.type === "usage")).toEqual([
        {
          type: "usage",
          input_tokens: 150,
          output_tokens: 12,
          cache_read_tokens: 4000,
          cache_write_tokens: options.reportsCacheWrites ? 300 : 0,
        },
      ]);
    });

    it("maps max_tokens", async () => {
      const { events } = await run(providerId, options, [{ steps: [{ kind: "text", text: "cut short" }], stop: "max_tokens" }]);
      expect(last(events)).toMatchObject({ type: "stop", reason: "max_tokens" });
    });

    it("turns a 429 into a retryable error carrying retry-after", async () => {
      const { events } = await run(providerId, options, [{ failure: { kind: "http", status: 429, retry_after: 2 } }]);
      expect(events).toEqual([
        { type: "error", code: "PROVIDER_RATE_LIMITED", message: expect.stringContaining("429"), retryable: true, retry_after_ms: 2000 },
      ]);
    });

    it("turns a 500 and an overload into retryable errors, a 401 into a final one", async () => {
      const failed = await run(providerId, options, [{ failure: { kind: "http", status: 500 } }]);
      expect(failed.events).toEqual([expect.objectContaining({ type: "error", code: "PROVIDER_UNAVAILABLE", retryable: true })]);
      const overloaded = await run(providerId, options, [{ failure: { kind: "overloaded" } }]);
      expect(overloaded.events).toEqual([expect.objectContaining({ type: "error", code: "PROVIDER_UNAVAILABLE", retryable: true })]);
      const unauthorized = await run(providerId, options, [{ failure: { kind: "http", status: 401, error_type: "authentication_error" } }]);
      expect(unauthorized.events).toEqual([expect.objectContaining({ type: "error", code: "PROVIDER_AUTH", retryable: false })]);
    });

    it("turns a malformed chunk into a PROVIDER_PROTOCOL error, after what came before", async () => {
      const { events } = await run(providerId, options, [
        { steps: [{ kind: "text", text: "one two three four five six" }], failure: { kind: "malformed", after_chunks: 3 } },
      ]);
      expect(last(events)).toMatchObject({ type: "error", code: "PROVIDER_PROTOCOL", retryable: false });
      expect(events.filter((event) => event.type === "error")).toHaveLength(1);
    });

    it("reports a stream cut mid-way as STREAM_INTERRUPTED, keeping the text so far", async () => {
      const { events } = await run(providerId, options, [
        { steps: [{ kind: "text", text: "one two three four five six seven" }], failure: { kind: "cut", after_chunks: 6 } },
      ]);
      expect(textOf(events, "text_delta").length).toBeGreaterThan(0);
      expect(last(events)).toMatchObject({ type: "error", code: "STREAM_INTERRUPTED", retryable: true });
      expect(events.some((event) => event.type === "stop")).toBe(false);
    });

    it("stops at once when aborted mid-stream, with no error", async () => {
      const started = Date.now();
      const { events } = await run(
        providerId,
        options,
        [{ steps: [{ kind: "text", text: "word ".repeat(200) }], chunk_delay_ms: 20 }],
        (event) => event.type === "text_delta",
      );
      expect(Date.now() - started).toBeLessThan(2000);
      expect(events.some((event) => event.type === "error" || event.type === "stop")).toBe(false);
    });

    it("records the exchange with the secret masked", async () => {
      const { exchange, key } = await run(providerId, options, [{ steps: [{ kind: "text", text: "hi" }] }]);
      expect(JSON.stringify(exchange.request)).not.toContain(key);
      expect(exchange.request?.headers.some(([, value]) => value.includes("[redacted]"))).toBe(true);
      expect(exchange.response?.status).toBe(200);
      expect(exchange.response?.events.length).toBeGreaterThan(0);
      expect(await recordedRequests(inject("simulatorUrl"), key)).toHaveLength(1);
    });
  });
}
