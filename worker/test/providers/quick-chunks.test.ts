// Proves (issue 15 §3): the hot path's shortcuts change nothing a client or the record sees. Text
// deltas recognised without the chunk schema (ChunkMapper.quick) stream as before, and a chunk the
// schema refuses is still refused even when it looks like a text delta; several events in one
// upstream read come out in order, a run of text deltas joined into one (one frame for what arrived
// together); the recorded exchange keeps every chunk as parsed and still masks a chunk that repeats
// the credential's key.
import type { StreamEvent } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import type { ProviderContext, ProviderExchange, ProviderRequest } from "../../src/providers/provider.ts";
import { providerFor } from "../../src/providers/registry.ts";

const KEY = "k-quick-test-0123456789";
const REQUEST: ProviderRequest = {
  model: "claude-sonnet-4-5",
  system: null,
  tools: [],
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
};

/** One body, every payload in a single read. */
async function run(provider: "anthropic" | "openai", payloads: unknown[]): Promise<{ events: StreamEvent[]; exchange: ProviderExchange }> {
  const text = payloads.map((payload) => `data: ${typeof payload === "string" ? payload : JSON.stringify(payload)}\n\n`).join("");
  const exchange: ProviderExchange = {};
  const context: ProviderContext = {
    credential: { apiKey: KEY, baseUrl: "http://127.0.0.1:9" },
    signal: new AbortController().signal,
    fetch: async () => new Response(text, { headers: { "content-type": "text/event-stream" } }),
    sessionKey: "s",
    exchange,
    timeouts: { connectMs: 1000, idleMs: 1000 },
  };
  const events: StreamEvent[] = [];
  for await (const event of providerFor(provider).stream({ ...REQUEST, model: provider === "openai" ? "gpt-4.1" : REQUEST.model }, context))
    events.push(event);
  return { events, exchange };
}

const MALFORMED = (name: string): StreamEvent => ({
  type: "error",
  code: "PROVIDER_PROTOCOL",
  message: `${name} sent a malformed chunk.`,
  retryable: false,
});

describe("anthropic text deltas on the quick path", () => {
  const start = { type: "message_start", message: { usage: { input_tokens: 3, output_tokens: 1 } } };
  const block = { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } };
  const delta = (fields: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    type: "content_block_delta",
    index: 0,
    delta: { type: "text_delta", ...fields },
    ...extra,
  });
  const end = [
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 4 } },
    { type: "message_stop" },
  ];

  it("streams the deltas of one read as one, unknown fields and null siblings allowed, and records each as parsed", async () => {
    const deltas = [
      delta({ text: "One " }),
      delta({ text: "two ", thinking: null, signature: null }, { extra: { nested: true } }),
      delta({ text: "three", partial_json: null, unknown: 7 }),
    ];
    const { events, exchange } = await run("anthropic", [start, block, ...deltas, ...end]);
    expect(events).toEqual([
      { type: "text_delta", text: "One two three" },
      { type: "usage", input_tokens: 3, output_tokens: 4, cache_read_tokens: 0, cache_write_tokens: 0 },
      { type: "stop", reason: "end_turn", provider_reason: "end_turn" },
    ]);
    expect(exchange.response?.events).toEqual([start, block, ...deltas, ...end]);
  });

  it("still refuses what the schema refuses: a wrong-typed sibling field, or an index that is not a number", async () => {
    for (const bad of [delta({ text: "x", thinking: 5 }), { ...delta({ text: "x" }), index: "0" }, delta({ text: 5 })]) {
      const { events } = await run("anthropic", [start, block, delta({ text: "ok" }), bad, ...end]);
      expect(events).toEqual([
        { type: "text_delta", text: "ok" },
        { type: "usage", input_tokens: 3, output_tokens: 1, cache_read_tokens: 0, cache_write_tokens: 0 },
        MALFORMED("Anthropic"),
      ]);
    }
  });

  it("masks a chunk that repeats the key in the record, and one with escapes is masked string by string", async () => {
    const echoed = delta({ text: `your key is ${KEY}` });
    const escaped = delta({ text: 'a "quoted" line\n' });
    const { events, exchange } = await run("anthropic", [start, block, echoed, escaped, ...end]);
    // What the model said reaches the client as it was; only the record is masked.
    expect(events[0]).toEqual({ type: "text_delta", text: `your key is ${KEY}a "quoted" line\n` });
    expect(exchange.response?.events?.slice(2, 4)).toEqual([delta({ text: "your key is [redacted]" }), escaped]);
    expect(JSON.stringify(exchange.response)).not.toContain(KEY);
  });
});

describe("openai content deltas on the quick path", () => {
  const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    id: "c1",
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: null }],
    ...extra,
  });
  const done = [
    { id: "c1", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
    { id: "c1", choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } },
    "[DONE]",
  ];

  it("streams content, reasoning and refusal deltas of one read in order, each run joined", async () => {
    const { events } = await run("openai", [
      chunk({ role: "assistant", content: "" }),
      chunk({ reasoning_content: "think" }),
      chunk({ content: "Hi", refusal: null, tool_calls: null }),
      chunk({ content: " there" }, { usage: null }),
      ...done,
    ]);
    expect(events).toEqual([
      { type: "thinking_delta", text: "think" },
      { type: "text_delta", text: "Hi there" },
      { type: "usage", input_tokens: 3, output_tokens: 2, cache_read_tokens: 0, cache_write_tokens: 0 },
      { type: "stop", reason: "end_turn", provider_reason: "stop" },
    ]);
  });

  it("still refuses what the schema refuses, in any choice", async () => {
    const twoChoices = { id: "c1", choices: [{ delta: { content: "a" } }, { delta: { content: 5 } }] };
    for (const bad of [chunk({ content: 5 }), chunk({ content: "x", refusal: 1 }), twoChoices]) {
      const { events } = await run("openai", [chunk({ content: "ok" }), bad, ...done]);
      expect(events).toEqual([{ type: "text_delta", text: "ok" }, MALFORMED("OpenAI")]);
    }
  });
});
