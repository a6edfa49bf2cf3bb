// Proves: the Responses provider passes the shared conformance suite, and maps function calls and
// their outputs to Responses input items.
import { describe, expect, it } from "vitest";
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
});
