// Proves: the Gemini provider passes the shared conformance suite, sends the system prompt (unlike
// llxprt), and sends history back as gemini-cli does: call ids on calls and their responses, thought
// signatures on the parts that carried them, thought parts left out (the first call of a model turn
// then gets gemini-cli's placeholder signature), turns of one role merged.
import { describe, expect, it } from "vitest";
import { toGeminiRequest } from "../../src/providers/gemini.ts";
import { conformance } from "./conformance.ts";

conformance("gemini", { baseUrl: (url) => url, model: "gemini-2.5-pro", reportsCacheWrites: false });

describe("gemini specifics", () => {
  it("sends systemInstruction and maps calls, signatures and responses", () => {
    const body = toGeminiRequest({
      model: "gemini-2.5-pro",
      system: "You are careful.",
      tools: [],
      messages: [
        { role: "user", content: [{ type: "text", text: "read a.ts" }] },
        {
          role: "assistant",
          content: [{ type: "tool_call", call_id: "c1" as never, name: "read_file", args: { path: "a.ts" }, signature: "ts-1" }],
        },
        { role: "tool", content: [{ type: "tool_result", call_id: "c1" as never, name: "read_file", ok: true, output: "export {}" }] },
      ],
    });
    expect(Object.keys(body)).toEqual(["contents", "systemInstruction", "generationConfig"]);
    expect(body.systemInstruction).toEqual({ parts: [{ text: "You are careful." }], role: "user" });
    expect(body.contents).toEqual([
      { parts: [{ text: "read a.ts" }], role: "user" },
      { parts: [{ functionCall: { id: "c1", name: "read_file", args: { path: "a.ts" } }, thoughtSignature: "ts-1" }], role: "model" },
      { parts: [{ functionResponse: { id: "c1", name: "read_file", response: { output: "export {}" } } }], role: "user" },
    ]);
    expect(body.generationConfig).toEqual({
      temperature: 1,
      topP: 0.95,
      topK: 64,
      thinkingConfig: { includeThoughts: true, thinkingBudget: 8192 },
    });
  });

  it("leaves thoughts out, keeps signatures on text, and signs a turn's first call when its signature rode on a thought", () => {
    const body = toGeminiRequest({
      model: "gemini-3-pro-preview",
      system: null,
      tools: [],
      messages: [
        { role: "user", content: [{ type: "text", text: "earlier" }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", text: "plan", signature: "sig-thought" },
            { type: "text", text: "Sure.", signature: "sig-text" },
          ],
        },
        { role: "user", content: [{ type: "text", text: "read both" }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", text: "two reads", signature: "sig-2" },
            { type: "tool_call", call_id: "a" as never, name: "read_file", args: { path: "a.ts" } },
            { type: "tool_call", call_id: "b" as never, name: "read_file", args: { path: "b.ts" } },
          ],
        },
        {
          role: "tool",
          content: [
            { type: "tool_result", call_id: "a" as never, name: "read_file", ok: true, output: "A" },
            { type: "tool_result", call_id: "b" as never, name: "read_file", ok: false, output: "no such file" },
          ],
        },
        { role: "user", content: [{ type: "text", text: "and?" }] },
      ],
    });
    expect(body.contents).toEqual([
      { parts: [{ text: "earlier" }], role: "user" },
      { parts: [{ text: "Sure.", thoughtSignature: "sig-text" }], role: "model" },
      { parts: [{ text: "read both" }], role: "user" },
      {
        parts: [
          { functionCall: { id: "a", name: "read_file", args: { path: "a.ts" } }, thoughtSignature: "skip_thought_signature_validator" },
          { functionCall: { id: "b", name: "read_file", args: { path: "b.ts" } } },
        ],
        role: "model",
      },
      {
        parts: [
          { functionResponse: { id: "a", name: "read_file", response: { output: "A" } } },
          { functionResponse: { id: "b", name: "read_file", response: { error: "no such file" } } },
          { text: "and?" },
        ],
        role: "user",
      },
    ]);
  });
});
