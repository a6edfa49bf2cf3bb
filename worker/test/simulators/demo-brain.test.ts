// Proves: the demo model answers a session's summary request (the Compact button in demo mode)
// with a summary that says it is the demo's, naming what the person said, not with a tool call.
import { describe, expect, it } from "vitest";
import { demoBrain } from "./demo-brain.ts";

describe("the demo model", () => {
  it("writes a labelled summary when the session compacts", () => {
    const body = {
      model: "claude-sonnet-4-5",
      messages: [
        { role: "user", content: [{ type: "text", text: "read README.md please" }] },
        { role: "assistant", content: [{ type: "text", text: "You said: *read README.md please*\n\nI'm the demo model" }] },
        {
          role: "user",
          content: [{ type: "text", text: "Summarise the conversation so far so that it can continue from your summary alone." }],
        },
      ],
      tools: [{ name: "read_file" }],
    };
    const turn = demoBrain("anthropic", body);
    expect(turn.steps).toEqual([
      {
        kind: "text",
        text: expect.stringMatching(/^\(A summary written by the demo model, not a real one\.\).*"read README\.md please"/),
      },
    ]);
  });
});
