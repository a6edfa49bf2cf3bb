// Proves: every StreamEvent kind survives encode → decode unchanged, and malformed events are refused.
import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame } from "./codec.ts";
import { type StreamEvent, StreamEventSchema } from "./stream-event.ts";
import { SAMPLE_CALL_ID } from "./testing/samples.ts";

// `satisfies Record<…>` makes the compiler fail when a kind is added without an example.
const examples = {
  text_delta: [
    { type: "text_delta", text: "Hello, " },
    { type: "text_delta", text: "", signature: "CiQB0e2Kb" },
  ],
  thinking_delta: [
    { type: "thinking_delta", text: "Consider the edge case" },
    { type: "thinking_delta", text: "", signature: "EqQBCgIYAhIM" },
    { type: "thinking_delta", text: "**Second point**", item_id: "rs_68a1", new_part: true },
  ],
  redacted_thinking: [{ type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP" }],
  refusal_delta: [{ type: "refusal_delta", text: "I can't help with that." }],
  tool_call: [
    { type: "tool_call", phase: "start", call_id: SAMPLE_CALL_ID, name: "read_file" },
    { type: "tool_call", phase: "args_delta", call_id: SAMPLE_CALL_ID, delta: '{"path":' },
    { type: "tool_call", phase: "end", call_id: SAMPLE_CALL_ID, args: { path: "src/index.ts", limit: 20 } },
    { type: "tool_call", phase: "end", call_id: SAMPLE_CALL_ID, args: {}, signature: "CiQB0e2Kb" },
    { type: "tool_call", phase: "end", call_id: SAMPLE_CALL_ID, args: { path: "a.ts" }, args_json: '{"path": "a.ts"}' },
  ],
  tool_progress: [{ type: "tool_progress", call_id: SAMPLE_CALL_ID, output: "line 1\n", status: "running" }],
  tool_result: [
    { type: "tool_result", call_id: SAMPLE_CALL_ID, name: "read_file", ok: true, output: "export {}", duration_ms: 12 },
    {
      type: "tool_result",
      call_id: SAMPLE_CALL_ID,
      name: "read_file",
      ok: false,
      output: "path is outside the agent's roots",
      error_code: "PATH_OUTSIDE_ROOTS",
      duration_ms: 1,
    },
  ],
  usage: [{ type: "usage", input_tokens: 1200, output_tokens: 300, cache_read_tokens: 1000, cache_write_tokens: 0, cost_usd: 0.0021 }],
  stop: [
    { type: "stop", reason: "end_turn", provider_reason: "end_turn" },
    { type: "stop", reason: "max_tokens" },
    { type: "stop", reason: "refusal", provider_reason: "refusal" },
    {
      type: "stop",
      reason: "max_tokens",
      provider_reason: "max_tokens",
      detail: "The output limit was reached while the model was writing a tool call (write_file); the call was not run.",
    },
  ],
  error: [
    { type: "error", code: "PROVIDER_RATE_LIMITED", message: "rate limited, retry in 2 s", retryable: true, retry_after_ms: 2000 },
    { type: "error", code: "PROVIDER_PROTOCOL", message: "the provider sent a chunk that is not valid JSON", retryable: false },
  ],
  failover: [
    {
      type: "failover",
      from: { provider: "anthropic", model: "claude-sonnet-4-5", credential_id: null },
      to: { provider: "openai", model: "gpt-5", credential_id: "0b8a6c1e-2f0d-4c5e-9a51-2d0c7a3b9e11" },
      code: "PROVIDER_UNAVAILABLE",
      message: "Anthropic answered HTTP 529 (overloaded_error): Overloaded",
    },
  ],
} satisfies { [K in StreamEvent["type"]]: Extract<StreamEvent, { type: K }>[] };

describe("StreamEvent", () => {
  const all: StreamEvent[] = Object.values(examples).flat();

  it.each(all.map((event) => [`${event.type}${"phase" in event ? `/${event.phase}` : ""}`, event] as const))(
    "round-trips %s",
    (_name, event) => {
      const decoded = decodeFrame(StreamEventSchema, encodeFrame(event));
      expect(decoded).toEqual({ ok: true, value: event });
    },
  );

  it("covers all three tool_call phases", () => {
    expect(new Set(examples.tool_call.map((event) => event.phase))).toEqual(new Set(["start", "args_delta", "end"]));
  });

  it.each([
    ["an unknown type", { type: "text_chunk", text: "x" }, "UNKNOWN_FRAME_TYPE"],
    ["a missing field", { type: "text_delta" }, "INVALID_FRAME"],
    ["an unknown tool_call phase", { type: "tool_call", phase: "middle", call_id: "c" }, "INVALID_FRAME"],
    [
      "a field of the wrong type",
      { type: "usage", input_tokens: "1", output_tokens: 1, cache_read_tokens: 0, cache_write_tokens: 0 },
      "INVALID_FRAME",
    ],
    [
      "a negative token count",
      { type: "usage", input_tokens: -1, output_tokens: 1, cache_read_tokens: 0, cache_write_tokens: 0 },
      "INVALID_FRAME",
    ],
    ["an extra field", { type: "text_delta", text: "x", html: "<b>x</b>" }, "INVALID_FRAME"],
    ["an unknown error code", { type: "error", code: "OOPS", message: "m", retryable: false }, "INVALID_FRAME"],
  ])("refuses %s", (_name, value, code) => {
    const decoded = decodeFrame(StreamEventSchema, JSON.stringify(value));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.code).toBe(code);
  });

  it("names the missing field", () => {
    const decoded = decodeFrame(StreamEventSchema, JSON.stringify({ type: "tool_result", call_id: "c", name: "x", ok: true }));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.error.fields.map((field) => field.field)).toEqual(expect.arrayContaining(["output", "duration_ms"]));
      expect(decoded.error.message).toContain("duration_ms");
    }
  });
});
