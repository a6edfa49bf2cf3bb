// Proves: one turn read out of the fold — its text (each model step a paragraph, stored steps then
// the one streaming, never twice), its calls with results, what waits for approval, and how it
// ended, from turn_end or (after a snapshot) from what was stored — and a request id finds its turn.
import { describe, expect, it } from "vitest";
import { MessageIdSchema, ToolCallIdSchema } from "./ids.ts";
import type { Message } from "./rest/messages.ts";
import type { SessionToClient } from "./session-socket.ts";
import { SAMPLE_MESSAGE, SAMPLE_SESSION, SAMPLE_TURN_ID } from "./testing/samples.ts";
import { EMPTY_TRANSCRIPT, type Transcript, foldTranscript } from "./transcript.ts";
import { STEP_BREAK, turnOfRequest, viewTurn } from "./turn-view.ts";

const turn_id = SAMPLE_TURN_ID;
const call_id = ToolCallIdSchema.parse("toolu_view1");
let seq = 0;
const fold = (frames: SessionToClient[], from: Transcript = EMPTY_TRANSCRIPT) => frames.reduce(foldTranscript, from);
const event = (body: Extract<SessionToClient, { type: "event" }>["event"]): SessionToClient => ({
  type: "event",
  seq: (seq += 1),
  turn_id,
  event: body,
});
const stored = (id: string, role: Message["role"], content: Message["content"], extra: Partial<Message> = {}): SessionToClient => ({
  type: "message",
  seq: (seq += 1),
  message: { ...SAMPLE_MESSAGE, id: MessageIdSchema.parse(id), role, content, ...extra },
});
const start: SessionToClient = {
  type: "snapshot",
  seq: 0,
  protocol_version: 1,
  session: SAMPLE_SESSION,
  presence: { total: 1, web: 0, tui: 0, api: 1 },
  messages: [],
  turn: null,
};

describe("viewTurn", () => {
  it("reads a turn's text step by step, its calls and results, live and once stored", () => {
    seq = 0;
    let transcript = fold([
      start,
      stored("00000000-0000-4000-8000-000000000001", "user", [{ type: "text", text: "write notes" }]),
      event({ type: "text_delta", text: "I will " }),
      event({ type: "text_delta", text: "write it." }),
      event({ type: "tool_call", phase: "start", call_id, name: "write_file" }),
      event({ type: "tool_call", phase: "end", call_id, args: { path: "notes.md" } }),
      {
        type: "approval_request",
        seq: (seq += 1),
        turn_id,
        call_id,
        tool: "write_file",
        kind: "edit",
        args: { path: "notes.md" },
        expires_at: "2026-11-24T19:05:00.000Z",
      },
    ]);
    let view = viewTurn(transcript, turn_id);
    expect(view.text).toBe("I will write it.");
    expect(view.calls).toEqual([{ callId: call_id, name: "write_file", args: { path: "notes.md" }, result: null }]);
    expect(view.awaitingApproval.map((call) => call.callId)).toEqual([call_id]);
    expect(view.ended).toBeNull();

    transcript = fold(
      [
        stored("00000000-0000-4000-8000-000000000002", "assistant", [
          { type: "text", text: "I will write it." },
          { type: "tool_call", call_id, name: "write_file", args: { path: "notes.md" } },
        ]),
        event({ type: "tool_result", call_id, name: "write_file", ok: true, output: "written", duration_ms: 4 }),
        stored("00000000-0000-4000-8000-000000000003", "tool", [
          { type: "tool_result", call_id, name: "write_file", ok: true, output: "written", duration_ms: 4 },
        ]),
        event({ type: "text_delta", text: "Done." }),
      ],
      transcript,
    );
    view = viewTurn(transcript, turn_id);
    // The stored step is not shown twice; the next step is its own paragraph.
    expect(view.text).toBe(`I will write it.${STEP_BREAK}Done.`);
    expect(view.calls[0]?.result).toMatchObject({ ok: true, output: "written" });

    transcript = fold(
      [
        stored("00000000-0000-4000-8000-000000000004", "assistant", [{ type: "text", text: "Done." }]),
        { type: "turn_end", seq: (seq += 1), turn_id, status: "completed", message: null },
      ],
      transcript,
    );
    expect(viewTurn(transcript, turn_id)).toMatchObject({
      text: `I will write it.${STEP_BREAK}Done.`,
      ended: { status: "completed", problem: null },
    });
  });

  it("says how a turn ended from what a snapshot stored, when the turn_end was missed", () => {
    const after = (status: Message["status"], error: string | null) =>
      fold([
        {
          ...start,
          messages: [{ ...SAMPLE_MESSAGE, content: [{ type: "text", text: "Half an" }], status, error }],
        },
      ]);
    expect(viewTurn(after("partial", "cut"), turn_id).ended).toMatchObject({ status: "cancelled" });
    expect(viewTurn(after("error", "boom"), turn_id).ended).toEqual({ status: "failed", problem: "The turn failed: boom." });
    expect(viewTurn(after("complete", null), turn_id).ended).toEqual({ status: "completed", problem: null });
    // A complete step that asked for tools is not the end of the turn.
    expect(viewTurn(fold([{ ...start, messages: [SAMPLE_MESSAGE] }]), turn_id).ended).toBeNull();
  });

  it("finds the turn a request started, and nothing before the session says so", () => {
    const transcript = fold([{ ...start, requests: [{ request_id: "send-1", turn_id }] }]);
    expect(turnOfRequest(transcript, "send-1")).toBe(turn_id);
    expect(turnOfRequest(transcript, "send-2")).toBeNull();
  });
});
