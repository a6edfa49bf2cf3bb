// Proves (issue 11 §6, §1): silence is an error — a provider that never answers, or goes quiet
// mid-stream, is given up on after the configured time with a retryable PROVIDER_TIMEOUT (the
// partial answer's events kept) — and a request whose history the API would refuse never leaves.
// The request's record masks the credential wherever the history repeats it, when it is written.
import type { StreamEvent, ToolCallId } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import type { ProviderContext, ProviderRequest } from "../../src/providers/provider.ts";
import { providerFor } from "../../src/providers/registry.ts";

const REQUEST: ProviderRequest = {
  model: "claude-sonnet-4-5",
  system: null,
  tools: [],
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
};

function context(fetcher: typeof fetch, timeouts = { connectMs: 100, idleMs: 150 }): ProviderContext {
  return {
    credential: { apiKey: "k-test-000000", baseUrl: "http://127.0.0.1:9" },
    signal: new AbortController().signal,
    fetch: fetcher,
    sessionKey: "s",
    exchange: {},
    timeouts,
  };
}

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const sse = (data: unknown) => `event: x\ndata: ${JSON.stringify(data)}\n\n`;

describe("the stream driver", () => {
  it("gives up on a provider that does not answer, even one whose fetch ignores the abort", async () => {
    const started = Date.now();
    const events = await collect(
      providerFor("anthropic").stream(
        REQUEST,
        context(() => new Promise<Response>(() => undefined)),
      ),
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(events).toEqual([
      { type: "error", code: "PROVIDER_TIMEOUT", message: "Anthropic did not answer within 0.1 s.", retryable: true },
    ]);
  });

  it("ends a stream that goes quiet mid-answer, keeping what came and the usage reported", async () => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(
          encoder.encode(
            sse({ type: "message_start", message: { usage: { input_tokens: 42, output_tokens: 1 } } }) +
              sse({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) +
              sse({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Half" } }),
          ),
        );
        // …and then nothing, with the connection still open.
      },
    });
    const events = await collect(
      providerFor("anthropic").stream(
        REQUEST,
        context(() => Promise.resolve(new Response(body))),
      ),
    );
    expect(events).toEqual([
      { type: "text_delta", text: "Half" },
      { type: "usage", input_tokens: 42, output_tokens: 1, cache_read_tokens: 0, cache_write_tokens: 0 },
      { type: "error", code: "PROVIDER_TIMEOUT", message: "Anthropic sent nothing for 0.15 s, so the stream was closed.", retryable: true },
    ]);
  });

  it("does not send a history the API would refuse, and says why", async () => {
    let called = false;
    const unanswered: ProviderRequest = {
      ...REQUEST,
      messages: [
        ...REQUEST.messages,
        { role: "assistant", content: [{ type: "tool_call", call_id: "toolu_x" as ToolCallId, name: "read_file", args: {} }] },
        { role: "user", content: [{ type: "text", text: "and?" }] },
      ],
    };
    const events = await collect(
      providerFor("anthropic").stream(
        unanswered,
        context(() => {
          called = true;
          return Promise.resolve(new Response(""));
        }),
      ),
    );
    expect(called).toBe(false);
    expect(events).toEqual([
      expect.objectContaining({ type: "error", code: "INTERNAL", retryable: false, message: expect.stringContaining("toolu_x") }),
    ]);
  });

  it("sends the history as written and records it with the credential masked", async () => {
    let sent = "";
    const pasted: ProviderRequest = {
      ...REQUEST,
      messages: [{ role: "user", content: [{ type: "text", text: "my key is k-test-000000" }] }],
    };
    const exchange = {};
    const answer =
      sse({ type: "message_start", message: { usage: { input_tokens: 1, output_tokens: 1 } } }) + sse({ type: "message_stop" });
    await collect(
      providerFor("anthropic").stream(pasted, {
        ...context(async (_url, init) => {
          sent = typeof init?.body === "string" ? init.body : "";
          return new Response(answer);
        }),
        exchange,
      }),
    );
    expect(sent).toContain("my key is k-test-000000");
    const recorded = JSON.stringify(exchange);
    expect(recorded).not.toContain("k-test-000000");
    expect(recorded).toContain("my key is [redacted]");
  });
});
