// Proves: the Anthropic provider passes the shared conformance suite against the simulator, and
// maps requests as llxprt does (cache breakpoints, thinking, tool results).
import { describe, expect, it } from "vitest";
import { toAnthropicRequest } from "../../src/providers/anthropic.ts";
import { encodeRequestBody } from "../../src/providers/raw-json.ts";
import { conformance, run } from "./conformance.ts";

const options = { baseUrl: (url: string) => url, model: "claude-sonnet-4-5-20250929", reportsCacheWrites: true };
conformance("anthropic", options);

describe("anthropic specifics", () => {
  it("carries the thinking signature, for sending the block back later", async () => {
    const { events } = await run("anthropic", options, [
      {
        steps: [
          { kind: "thinking", text: "hmm", signature: "sig-xyz" },
          { kind: "text", text: "ok" },
        ],
      },
    ]);
    expect(events).toContainEqual({ type: "thinking_delta", text: "", signature: "sig-xyz" });
  });

  it("reports a mid-stream overloaded_error as a retryable error", async () => {
    const { events } = await run("anthropic", options, [
      { steps: [{ kind: "text", text: "a b c d e f g h" }], failure: { kind: "overloaded", mid_stream: true } },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "error", code: "PROVIDER_UNAVAILABLE", retryable: true });
  });

  it("puts the cache breakpoint on the last non-thinking block and sends tool results as user blocks", () => {
    const body = toAnthropicRequest({
      model: "claude-sonnet-4-5",
      system: "sys",
      tools: [],
      messages: [
        { role: "user", content: [{ type: "text", text: "read a.ts" }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", text: "plan", signature: "s1" },
            { type: "tool_call", call_id: "toolu_1" as never, name: "read_file", args: { path: "a.ts" } },
          ],
        },
        {
          role: "tool",
          content: [{ type: "tool_result", call_id: "toolu_1" as never, name: "read_file", ok: false, output: "no such file" }],
        },
      ],
    });
    expect(Object.keys(body)).toEqual(["model", "messages", "max_tokens", "stream", "system", "thinking"]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "read a.ts" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "plan", signature: "s1" },
          { type: "tool_use", id: "toolu_1", name: "read_file", input: { path: "a.ts" } },
        ],
      },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "toolu_1",
            content: "no such file",
            is_error: true,
            cache_control: { type: "ephemeral", ttl: "1h" },
          },
        ],
      },
    ]);
  });

  it("sends redacted thinking back in its place and tool input byte for byte, never another provider's reasoning", () => {
    const body = toAnthropicRequest({
      model: "claude-sonnet-4-5",
      system: null,
      tools: [],
      messages: [
        { role: "user", content: [{ type: "text", text: "go" }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", text: "plan", signature: "s1" },
            { type: "redacted_thinking", data: "EmwKAhgBEgy" },
            { type: "thinking", text: "openai reasoning", item_id: "rs_1", signature: "gAAAA" },
            {
              type: "tool_call",
              call_id: "toolu_1" as never,
              name: "read_file",
              args: { "2": 1, path: "a.ts" },
              args_json: '{"path": "a.ts", "2": 1.0}',
            },
          ],
        },
        { role: "tool", content: [{ type: "tool_result", call_id: "toolu_1" as never, name: "read_file", ok: true, output: "x" }] },
      ],
    });
    const wire = encodeRequestBody(body).text;
    expect(wire).toContain(
      '{"role":"assistant","content":[{"type":"thinking","thinking":"plan","signature":"s1"},{"type":"redacted_thinking","data":"EmwKAhgBEgy"},{"type":"tool_use","id":"toolu_1","name":"read_file","input":{"path": "a.ts", "2": 1.0}}]}',
    );
    expect(wire).not.toContain("openai reasoning");
  });
});
