// Proves: the transcript fold shows a turn as it streams (text and thinking merged in order, tool
// cards with streamed arguments, progress, approval and result), hands the streamed text over to
// the stored message without showing it twice, ends the turn, starts over from a snapshot taken
// mid-turn, and ignores frames it has already seen, so a resume never duplicates anything.
import { describe, expect, it } from "vitest";
import type { SessionToClient } from "./session-socket.ts";
import { TurnIdSchema } from "./ids.ts";
import { SAMPLE_CALL_ID, SAMPLE_MESSAGE, SAMPLE_QUEUE_ENTRY, SAMPLE_SESSION, SAMPLE_TIME, SAMPLE_TURN_ID } from "./testing/samples.ts";
import { EMPTY_TRANSCRIPT, MAX_PROGRESS_CHARS, type Transcript, foldTranscript, storedToolCard } from "./transcript.ts";

const turn_id = SAMPLE_TURN_ID;
const call_id = SAMPLE_CALL_ID;
let seq = 0;
const next = () => (seq += 1);

const event = (body: Extract<SessionToClient, { type: "event" }>["event"]): SessionToClient => ({
  type: "event",
  seq: next(),
  turn_id,
  event: body,
});
const fold = (frames: SessionToClient[], from: Transcript = EMPTY_TRANSCRIPT) => frames.reduce(foldTranscript, from);

const snapshot = (overrides: Partial<Extract<SessionToClient, { type: "snapshot" }>> = {}): SessionToClient => ({
  type: "snapshot",
  seq: 0,
  protocol_version: 1,
  session: SAMPLE_SESSION,
  presence: { total: 1, web: 1, tui: 0, api: 0 },
  messages: [],
  turn: null,
  ...overrides,
});

describe("the transcript fold", () => {
  it("streams text and thinking into ordered blocks", () => {
    seq = 0;
    const transcript = fold([
      snapshot(),
      event({ type: "thinking_delta", text: "Let me " }),
      event({ type: "thinking_delta", text: "look." }),
      event({ type: "text_delta", text: "Here " }),
      event({ type: "text_delta", text: "it is." }),
    ]);
    expect(transcript.turn?.blocks).toEqual([
      { kind: "thinking", text: "Let me look." },
      { kind: "text", text: "Here it is." },
    ]);
    expect(transcript.seq).toBe(4);
  });

  it("follows a tool call from its arguments to its approval, progress and result", () => {
    seq = 0;
    let transcript = fold([
      snapshot(),
      event({ type: "tool_call", phase: "start", call_id, name: "run_shell_command" }),
      event({ type: "tool_call", phase: "args_delta", call_id, delta: '{"command":' }),
      event({ type: "tool_call", phase: "args_delta", call_id, delta: '"npm test"}' }),
      event({ type: "tool_call", phase: "end", call_id, args: { command: "npm test" } }),
      {
        type: "approval_request",
        seq: next(),
        turn_id,
        call_id,
        tool: "run_shell_command",
        kind: "execute",
        args: { command: "npm test" },
        expires_at: SAMPLE_TIME,
      },
    ]);
    expect(transcript.pendingApprovals).toEqual([call_id]);
    expect(transcript.tools[call_id]).toMatchObject({
      name: "run_shell_command",
      argsText: '{"command":"npm test"}',
      args: { command: "npm test" },
      approval: { kind: "execute", answer: null },
    });
    transcript = fold(
      [
        { type: "approval_result", seq: next(), turn_id, call_id, decision: "approve", by: "tui" },
        event({ type: "tool_progress", call_id, output: "PASS 12\n" }),
        event({ type: "tool_progress", call_id, output: "PASS 13\n", status: "running" }),
        event({
          type: "tool_result",
          call_id,
          name: "run_shell_command",
          ok: true,
          output: "PASS 12\nPASS 13\n[exit code 0]",
          duration_ms: 900,
        }),
      ],
      transcript,
    );
    expect(transcript.pendingApprovals).toEqual([]);
    expect(transcript.tools[call_id]).toMatchObject({
      progress: "PASS 12\nPASS 13\n",
      status: "running",
      approval: { answer: { decision: "approve", by: "tui" } },
      result: { ok: true, durationMs: 900, errorCode: null },
    });
    expect(transcript.turn?.blocks).toEqual([{ kind: "tool", callId: call_id }]);
  });

  it("builds a card for a stored call from its stored result, duration, approval wait and machine included when recorded", () => {
    const call = { call_id, name: "run_shell_command", args: { command: "ls" } };
    const timed = storedToolCard(EMPTY_TRANSCRIPT, call, {
      ok: true,
      output: "a\nb",
      duration_ms: 1500,
      wait_ms: 14_000,
      machine: "laptop",
    });
    expect(timed.result).toEqual({ ok: true, output: "a\nb", errorCode: null, durationMs: 1500, waitMs: 14_000, machine: "laptop" });
    expect(timed.args).toEqual({ command: "ls" });
    const older = storedToolCard(EMPTY_TRANSCRIPT, call, { ok: false, output: "gone", error_code: "TIMEOUT" });
    expect(older.result).toEqual({ ok: false, output: "gone", errorCode: "TIMEOUT", durationMs: 0, waitMs: 0, machine: null });
    expect(storedToolCard(EMPTY_TRANSCRIPT, call, undefined).result).toBeNull();
  });

  it("caps streamed progress, keeping the newest output", () => {
    seq = 0;
    const transcript = fold([
      snapshot(),
      event({ type: "tool_progress", call_id, output: "a".repeat(MAX_PROGRESS_CHARS) }),
      event({ type: "tool_progress", call_id, output: "END" }),
    ]);
    expect(transcript.tools[call_id]?.progress).toHaveLength(MAX_PROGRESS_CHARS);
    expect(transcript.tools[call_id]?.progress.endsWith("END")).toBe(true);
  });

  it("hands streamed text over to the stored message once, and ends the turn", () => {
    seq = 0;
    const stored = { ...SAMPLE_MESSAGE, turn_id };
    let transcript = fold([
      snapshot(),
      event({ type: "text_delta", text: "Reading it." }),
      { type: "message", seq: next(), message: stored },
    ]);
    expect(transcript.messages).toEqual([stored]);
    expect(transcript.turn?.blocks).toEqual([]);
    transcript = fold([{ type: "turn_end", seq: next(), turn_id, status: "completed", message: stored }], transcript);
    expect(transcript.turn).toBeNull();
    expect(transcript.messages).toEqual([stored]);
    expect(transcript.lastTurn).toEqual({ turnId: turn_id, status: "completed" });
  });

  it("ignores frames already seen, so an overlapping resume shows nothing twice", () => {
    seq = 0;
    const frames = [snapshot(), event({ type: "text_delta", text: "one " }), event({ type: "text_delta", text: "two" })];
    const once = fold(frames);
    const replayed = fold(frames.slice(1), once);
    expect(replayed).toEqual(once);
    expect(replayed.turn?.blocks).toEqual([{ kind: "text", text: "one two" }]);
  });

  it("starts over from a snapshot taken mid-turn, with the events and approvals so far", () => {
    seq = 10;
    const mid = snapshot({
      seq: 12,
      messages: [SAMPLE_MESSAGE],
      turn: {
        turn_id,
        events: [
          { type: "event", seq: 11, turn_id, event: { type: "text_delta", text: "Half an answ" } },
          { type: "event", seq: 12, turn_id, event: { type: "tool_call", phase: "start", call_id, name: "write_file" } },
        ],
        approvals: [
          {
            type: "approval_request",
            seq: 12,
            turn_id,
            call_id,
            tool: "write_file",
            kind: "edit",
            args: { path: "x" },
            expires_at: SAMPLE_TIME,
          },
        ],
      },
    });
    const stale = fold([snapshot({ seq: 3 }), { type: "presence", seq: 4, presence: { total: 9, web: 9, tui: 0, api: 0 } }]);
    const transcript = foldTranscript(stale, mid);
    expect(transcript.seq).toBe(12);
    expect(transcript.presence.total).toBe(1);
    expect(transcript.messages).toEqual([SAMPLE_MESSAGE]);
    expect(transcript.turn?.blocks).toEqual([
      { kind: "text", text: "Half an answ" },
      { kind: "tool", callId: call_id },
    ]);
    expect(transcript.pendingApprovals).toEqual([call_id]);
    const resumed = foldTranscript(transcript, { type: "event", seq: 13, turn_id, event: { type: "text_delta", text: "!" } });
    expect(resumed.turn?.blocks.at(-1)).toEqual({ kind: "text", text: "!" });
  });

  it("keeps presence, session changes, credential notices and errors", () => {
    seq = 0;
    const credential = {
      id: "3f1e7b4a-8c2d-4e6f-9a1b-2c3d4e5f6a7b" as never,
      provider: "codex" as const,
      auth_type: "oauth" as const,
      label: "ChatGPT",
      hint: "…c0de",
      base_url: null,
      context_window: null,
      is_enabled: true,
      expires_at: SAMPLE_TIME,
      needs_reauth: true,
      last_error: "invalid_grant",
      last_used_at: null,
      created_at: SAMPLE_TIME,
      updated_at: SAMPLE_TIME,
    };
    const transcript = fold([
      snapshot(),
      { type: "presence", seq: next(), presence: { total: 3, web: 2, tui: 1, api: 0 } },
      { type: "session_update", seq: next(), session: { ...SAMPLE_SESSION, model: "claude-opus-4-1" } },
      { type: "credential_update", seq: next(), credential },
      { type: "error", code: "TURN_IN_PROGRESS", message: "a turn is running" },
      event({ type: "error", code: "PROVIDER_RATE_LIMITED", message: "slow down", retryable: true }),
    ]);
    expect(transcript.presence).toEqual({ total: 3, web: 2, tui: 1, api: 0 });
    expect(transcript.session?.model).toBe("claude-opus-4-1");
    expect(transcript.credentialNotices[credential.id]).toMatchObject({ needs_reauth: true });
    expect(transcript.lastError).toEqual({ code: "TURN_IN_PROGRESS", message: "a turn is running" });
    expect(transcript.turn?.error).toEqual({ code: "PROVIDER_RATE_LIMITED", message: "slow down", retryable: true });
  });
});

describe("the queue and request ids in the fold", () => {
  const entry = { ...SAMPLE_QUEUE_ENTRY };

  it("takes the queue and the requests from a snapshot, then follows queue frames", () => {
    const other = TurnIdSchema.parse("0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f");
    let transcript = fold([snapshot({ seq: 10, queue: [entry], queue_paused: true, requests: [{ request_id: "web-1", turn_id: other }] })]);
    expect(transcript.queue).toEqual([entry]);
    expect(transcript.queuePaused).toBe(true);
    expect(transcript.requests).toEqual({ "web-1": other });
    transcript = fold([{ type: "queue", seq: 11, queue: [], paused: false }], transcript);
    expect(transcript.queue).toEqual([]);
    expect(transcript.queuePaused).toBe(false);
    // An older snapshot without a queue (a server before queueing) folds to an empty one.
    expect(fold([snapshot()]).queue).toEqual([]);
  });

  it("learns which turn a request started from the user's message and from turn_end", () => {
    let transcript = fold([snapshot({ seq: 20 })]);
    transcript = fold([{ type: "message", seq: 21, message: { ...SAMPLE_MESSAGE, turn_id }, request_id: "tui-9" }], transcript);
    expect(transcript.requests).toEqual({ "tui-9": turn_id });
    const later = TurnIdSchema.parse("1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a");
    transcript = fold([{ type: "turn_end", seq: 22, turn_id: later, status: "completed", message: null, request_id: "api-3" }], transcript);
    expect(transcript.requests).toEqual({ "tui-9": turn_id, "api-3": later });
    // A message without a request id changes nothing.
    expect(fold([{ type: "message", seq: 23, message: SAMPLE_MESSAGE }], transcript).requests).toBe(transcript.requests);
  });
});
