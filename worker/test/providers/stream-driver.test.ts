// Proves (issue 11 §6, §1): silence is an error — a provider that never answers, or goes quiet
// mid-stream, is given up on after the configured time with a retryable PROVIDER_TIMEOUT (the
// partial answer's events kept) — and a request whose history the API would refuse never leaves.
// The request's record masks the credential wherever the history repeats it, when it is written.
// What one upstream read brought streams as one delta per run (one frame for a burst a busy Worker
// catches up with), and a read is streamed before the next one arrives (no token waits for more).
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

  it("joins the deltas of one read, and streams each read before the next arrives", async () => {
    const encoder = new TextEncoder();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (opened) => void (controller = opened) });
    const delta = (index: number, fields: Record<string, unknown>) => sse({ type: "content_block_delta", index, delta: fields });
    const reads = [
      sse({ type: "message_start", message: { usage: { input_tokens: 5, output_tokens: 1 } } }) +
        sse({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } }) +
        delta(0, { type: "thinking_delta", thinking: "Let " }) +
        delta(0, { type: "thinking_delta", thinking: "me see." }) +
        delta(0, { type: "signature_delta", signature: "sig-1" }) +
        sse({ type: "content_block_stop", index: 0 }) +
        sse({ type: "content_block_start", index: 1, content_block: { type: "text", text: "" } }) +
        delta(1, { type: "text_delta", text: "One " }) +
        delta(1, { type: "text_delta", text: "two " }),
      delta(1, { type: "text_delta", text: "three." }),
      sse({ type: "content_block_stop", index: 1 }) +
        sse({ type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "toolu_1", name: "read_file", input: {} } }) +
        delta(2, { type: "input_json_delta", partial_json: '{"path":' }) +
        delta(2, { type: "input_json_delta", partial_json: '"a.md"}' }) +
        sse({ type: "content_block_stop", index: 2 }) +
        sse({ type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } }) +
        sse({ type: "message_stop" }),
    ];
    controller.enqueue(encoder.encode(reads[0]));
    const events: StreamEvent[] = [];
    let sent = 1;
    for await (const event of providerFor("anthropic").stream(
      REQUEST,
      context(() => Promise.resolve(new Response(body))),
    )) {
      events.push(event);
      // The next read is written only once the last one's text is out: a read waits for no other.
      if (event.type === "text_delta" && sent < reads.length) {
        controller.enqueue(encoder.encode(reads[sent]));
        sent += 1;
        if (sent === reads.length) controller.close();
      }
    }
    const call = "toolu_1" as ToolCallId;
    expect(events).toEqual([
      { type: "thinking_delta", text: "Let me see.", signature: "sig-1" },
      { type: "text_delta", text: "One two " },
      { type: "text_delta", text: "three." },
      { type: "tool_call", phase: "start", call_id: call, name: "read_file" },
      { type: "tool_call", phase: "args_delta", call_id: call, delta: '{"path":"a.md"}' },
      { type: "tool_call", phase: "end", call_id: call, args: { path: "a.md" } },
      { type: "usage", input_tokens: 5, output_tokens: 9, cache_read_tokens: 0, cache_write_tokens: 0 },
      { type: "stop", reason: "tool_use", provider_reason: "tool_use" },
    ]);
  });
});
