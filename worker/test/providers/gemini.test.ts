// Proves: the Gemini provider passes the shared conformance suite, sends the system prompt (unlike
// llxprt), and carries thought signatures on function calls back to the API.
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
      { parts: [{ functionCall: { name: "read_file", args: { path: "a.ts" } }, thoughtSignature: "ts-1" }], role: "model" },
      { parts: [{ functionResponse: { name: "read_file", response: { output: "export {}" } } }], role: "user" },
    ]);
    expect(body.generationConfig).toEqual({
      temperature: 1,
      topP: 0.95,
      topK: 64,
      thinkingConfig: { includeThoughts: true, thinkingBudget: 8192 },
    });
  });
});
