// Proves: a client that joins in the middle of a multi-step turn gets each step once — the steps
// already stored as messages, and only the step still streaming as the snapshot's live events —
// so a late joiner never sees a tool call twice.
import { describe, expect, it } from "vitest";
import { scriptedSession } from "../helpers/scripted-session.ts";
import { joinSocket, openSocket } from "../helpers/socket.ts";

describe("a snapshot in the middle of a multi-step turn", () => {
  it("holds the stored steps as messages and only the streaming step as events", async () => {
    const { session } = await scriptedSession(
      [
        { steps: [{ kind: "tool_calls", calls: [{ id: "toolu_s1", name: "read_file", args: { path: "a.ts" } }] }] },
        { steps: [{ kind: "text", text: Array.from({ length: 40 }, (_, index) => `word${index}`).join(" ") }], chunk_delay_ms: 25 },
      ],
      { approval_mode: "auto" },
    );
    const first = await joinSocket(session.id, "web");
    first.send({ type: "send", text: "read then talk" });
    // Wait until the second step is streaming.
    for (;;) {
      const frame = await first.next("event");
      if (frame.event.type === "text_delta") break;
    }
    const late = await openSocket(session.id);
    late.send({ type: "hello", protocol_version: 1, client: "tui" });
    const snapshot = await late.next("snapshot");
    const stepOne = snapshot.messages.find((message) => message.role === "assistant");
    expect(stepOne?.content).toContainEqual(expect.objectContaining({ type: "tool_call", call_id: "toolu_s1" }));
    const liveTypes = snapshot.turn?.events.map((frame) => frame.event.type) ?? [];
    expect(liveTypes).not.toContain("tool_call");
    expect(liveTypes).toContain("text_delta");
    await first.next("turn_end", 15_000);
    first.close();
    late.close();
  });
});
