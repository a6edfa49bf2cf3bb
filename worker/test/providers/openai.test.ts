// Proves: the Chat Completions provider passes the shared conformance suite, and maps a
// conversation with tool calls the way the API expects.
import { describe, expect, it } from "vitest";
import { toOpenAIRequest } from "../../src/providers/openai.ts";
import { conformance } from "./conformance.ts";

conformance("openai", { baseUrl: (url) => `${url}/v1`, model: "gpt-4.1", reportsCacheWrites: false });

describe("openai specifics", () => {
  it("maps assistant tool calls and tool results to OpenAI messages", () => {
    const body = toOpenAIRequest({
      model: "gpt-4.1",
      system: "sys",
      tools: [],
      messages: [
        { role: "user", content: [{ type: "text", text: "read a.ts" }] },
        { role: "assistant", content: [{ type: "tool_call", call_id: "call_1" as never, name: "read_file", args: { path: "a.ts" } }] },
        { role: "tool", content: [{ type: "tool_result", call_id: "call_1" as never, name: "read_file", ok: true, output: "export {}" }] },
      ],
    });
    expect(Object.keys(body)).toEqual(["model", "messages", "stream", "stream_options"]);
    expect(body.messages).toEqual([
      { role: "system", content: "sys" },
      { role: "user", content: "read a.ts" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } }],
      },
      { role: "tool", tool_call_id: "call_1", content: "export {}" },
    ]);
  });

  it("sends a refusal back as the assistant's refusal, and tool arguments exactly as the model wrote them", () => {
    const body = toOpenAIRequest({
      model: "gpt-4.1",
      system: null,
      tools: [],
      messages: [
        { role: "user", content: [{ type: "text", text: "do the bad thing" }] },
        { role: "assistant", content: [{ type: "refusal", text: "I can't help with that." }] },
        { role: "user", content: [{ type: "text", text: "read a.ts then" }] },
        {
          role: "assistant",
          content: [
            {
              type: "tool_call",
              call_id: "call_2" as never,
              name: "read_file",
              args: { "1": "x", path: "a.ts" },
              args_json: '{"path": "a.ts", "1": "x"}',
            },
          ],
        },
        { role: "tool", content: [{ type: "tool_result", call_id: "call_2" as never, name: "read_file", ok: true, output: "ok" }] },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: "do the bad thing" },
      { role: "assistant", content: null, refusal: "I can't help with that." },
      { role: "user", content: "read a.ts then" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_2", type: "function", function: { name: "read_file", arguments: '{"path": "a.ts", "1": "x"}' } }],
      },
      { role: "tool", tool_call_id: "call_2", content: "ok" },
    ]);
  });
});
