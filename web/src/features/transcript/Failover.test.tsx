// Proves: after a failover, the transcript says where it happened ("Failed over from … to …: why",
// right after the answer that was last when it did) and under each answer which provider and
// model wrote it.
import { EMPTY_TRANSCRIPT, type Message, type SessionToClient, foldTranscript } from "@maestro/protocol";
import { SAMPLE_MESSAGE, SAMPLE_SESSION, SAMPLE_TURN_ID } from "@maestro/protocol/testing";
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TranscriptView } from "./TranscriptView.tsx";

afterEach(cleanup);

const answer = (id: string, provider: Message["provider"], model: string, text: string): Message => ({
  ...SAMPLE_MESSAGE,
  id: id as never,
  role: "assistant",
  turn_id: SAMPLE_TURN_ID,
  content: [{ type: "text", text }],
  provider,
  model,
  usage: { input_tokens: 100, output_tokens: 20, cache_read_tokens: 0, cache_write_tokens: 0 },
  cost_usd: 0.001,
});

describe("a failover in the transcript", () => {
  it("is shown after the answer it followed, and each answer names its model", () => {
    const frames: SessionToClient[] = [
      {
        type: "snapshot",
        seq: 0,
        protocol_version: 1,
        session: SAMPLE_SESSION,
        presence: SAMPLE_SESSION.presence,
        messages: [],
        turn: null,
      },
      { type: "message", seq: 1, message: answer("11111111-1111-4111-8111-111111111111", "anthropic", "claude-sonnet-4-5", "Reading.") },
      {
        type: "event",
        seq: 2,
        turn_id: SAMPLE_TURN_ID,
        event: {
          type: "failover",
          from: { provider: "anthropic", model: "claude-sonnet-4-5", credential_id: null },
          to: { provider: "openai", model: "gpt-4.1", credential_id: null },
          code: "PROVIDER_UNAVAILABLE",
          message: "Anthropic answered HTTP 529 (overloaded_error): Overloaded",
        },
      },
      { type: "message", seq: 3, message: answer("22222222-2222-4222-8222-222222222222", "openai", "gpt-4.1", "Done.") },
    ];
    const transcript = frames.reduce(foldTranscript, EMPTY_TRANSCRIPT);
    const { container } = render(<TranscriptView transcript={transcript} onAnswer={vi.fn()} />);
    const notice = screen.getByRole("note", { name: "Failover" });
    expect(notice.textContent).toBe(
      "Failed over from anthropic/claude-sonnet-4-5 to openai/gpt-4.1: Anthropic answered HTTP 529 (overloaded_error): Overloaded",
    );
    const order = [...container.querySelectorAll(".message, .failover")].map((element) => element.textContent ?? "");
    expect(order[0]).toContain("Reading.");
    expect(order[1]).toContain("Failed over from");
    expect(order[2]).toContain("Done.");
    const footers = [...container.querySelectorAll("footer .answered-by")].map((element) => element.textContent);
    expect(footers).toEqual(["anthropic/claude-sonnet-4-5 · ", "openai/gpt-4.1 · "]);
  });
});
