// Proves: the Responses provider passes the shared conformance suite, and maps function calls and
// their outputs to Responses input items.
import { describe, expect, it } from "vitest";
import { toCodexRequest } from "../../src/providers/codex.ts";
import { toResponsesRequest } from "../../src/providers/openai-responses.ts";
import { conformance } from "./conformance.ts";

conformance("openai_responses", { baseUrl: (url) => `${url}/v1`, model: "gpt-4.1", reportsCacheWrites: false });

describe("openai_responses specifics", () => {
  it("maps function calls and outputs to input items, keyed for the prompt cache", () => {
    const body = toResponsesRequest(
      {
        model: "gpt-5",
        system: "sys",
        tools: [],
        messages: [
          { role: "user", content: [{ type: "text", text: "read a.ts" }] },
          {
            role: "assistant",
            content: [
              { type: "text", text: "Reading." },
              { type: "tool_call", call_id: "call_1" as never, name: "read_file", args: { path: "a.ts" } },
            ],
          },
          {
            role: "tool",
            content: [{ type: "tool_result", call_id: "call_1" as never, name: "read_file", ok: true, output: "export {}" }],
          },
        ],
      },
      "session-1",
    );
    expect(Object.keys(body)).toEqual(["model", "input", "stream", "instructions", "prompt_cache_key", "prompt_cache_retention"]);
    expect(body.input).toEqual([
      { role: "user", content: "read a.ts" },
      { role: "assistant", content: "Reading." },
      { type: "function_call", call_id: "call_1", name: "read_file", arguments: '{"path":"a.ts"}' },
      { type: "function_call_output", call_id: "call_1", output: "export {}" },
    ]);
    expect(body.prompt_cache_key).toBe("session-1");
  });

  it("sends sealed reasoning back before the calls it led to (summaries apart), never unsealed reasoning, arguments as written", () => {
    const messages = [
      { role: "user" as const, content: [{ type: "text" as const, text: "find it" }] },
      {
        role: "assistant" as const,
        content: [
          { type: "thinking" as const, text: "**Where**", item_id: "rs_1" },
          { type: "thinking" as const, text: "**How**", item_id: "rs_1", signature: "gAAAA-enc" },
          { type: "thinking" as const, text: "unsealed", item_id: "rs_2" },
          { type: "text" as const, text: "Searching." },
          {
            type: "tool_call" as const,
            call_id: "call_1" as never,
            name: "grep",
            args: { pattern: "x", path: "src" },
            args_json: '{"pattern": "x", "path": "src"}',
          },
        ],
      },
      {
        role: "tool" as const,
        content: [{ type: "tool_result" as const, call_id: "call_1" as never, name: "grep", ok: true, output: "src/a.ts:1:x" }],
      },
    ];
    const stored = toResponsesRequest({ model: "gpt-5", system: null, tools: [], messages }, "s");
    expect(stored.input).toEqual([
      { role: "user", content: "find it" },
      {
        type: "reasoning",
        id: "rs_1",
        summary: [
          { type: "summary_text", text: "**Where**" },
          { type: "summary_text", text: "**How**" },
        ],
        encrypted_content: "gAAAA-enc",
      },
      { role: "assistant", content: "Searching." },
      { type: "function_call", call_id: "call_1", name: "grep", arguments: '{"pattern": "x", "path": "src"}' },
      { type: "function_call_output", call_id: "call_1", output: "src/a.ts:1:x" },
    ]);
    // Codex stores nothing: only sealed reasoning can go back, and without an id.
    const stateless = toCodexRequest({ model: "gpt-5.5", system: null, tools: [], messages }, "s");
    expect((stateless.input as Record<string, unknown>[]).filter((item) => item.type === "reasoning")).toEqual([
      {
        type: "reasoning",
        summary: [
          { type: "summary_text", text: "**Where**" },
          { type: "summary_text", text: "**How**" },
        ],
        encrypted_content: "gAAAA-enc",
      },
    ]);
  });
});
