// Proves: the grown session bench:gateway --history-kb imports is one the import route accepts
// (its schema, parents before replies, the leaf the last answer), holding the size asked for, and
// the direct requests carry the same turns.
import { SessionExportSchema } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { chatHistory, sessionFile } from "./history.ts";

describe("the bench's grown session", () => {
  it("holds the kilobytes asked for, as alternating questions and answers", () => {
    const history = chatHistory(100);
    const chars = history.reduce((sum, message) => sum + message.content.length, 0);
    expect(chars).toBeGreaterThanOrEqual(100 * 1024);
    expect(chars).toBeLessThan(104 * 1024);
    expect(history.map((message) => message.role).slice(0, 4)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(chatHistory(0)).toEqual([]);
  });

  it("is a session file the import route accepts, with the same turns in order", () => {
    const history = chatHistory(20);
    const file = SessionExportSchema.parse(sessionFile(history));
    expect(file.messages.map((message) => message.content)).toEqual(history.map((message) => [{ type: "text", text: message.content }]));
    file.messages.forEach((message, index) => expect(message.parent_id).toBe(index === 0 ? null : file.messages[index - 1]?.id));
    expect(file.leaf_id).toBe(file.messages.at(-1)?.id);
  });
});
