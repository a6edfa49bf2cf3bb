// Proves: every session-socket frame kind, both directions, survives encode → decode unchanged;
// the server refuses unknown, incomplete, over-specified and wrong-version frames with the right code.
import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame } from "./codec.ts";
import {
  type ClientToSession,
  ClientToSessionSchema,
  PING_FRAME_TEXT,
  PONG_FRAME_TEXT,
  type SessionToClient,
  SessionToClientSchema,
} from "./session-socket.ts";
import { SAMPLE_CALL_ID, SAMPLE_MESSAGE, SAMPLE_QUEUE_ENTRY, SAMPLE_SESSION, SAMPLE_TURN_ID } from "./testing/samples.ts";
import { PROTOCOL_VERSION } from "./version.ts";

const clientFrames = {
  hello: [
    { type: "hello", protocol_version: PROTOCOL_VERSION, client: "web" },
    { type: "hello", protocol_version: PROTOCOL_VERSION, client: "tui", since: 42 },
  ],
  send: [
    { type: "send", text: "Read src/index.ts and explain it" },
    { type: "send", text: "and then the tests", request_id: "tui-1.a:b_c" },
  ],
  cancel: [{ type: "cancel" }, { type: "cancel", turn_id: SAMPLE_TURN_ID }],
  approve: [
    { type: "approve", call_id: SAMPLE_CALL_ID, decision: "approve" },
    { type: "approve", call_id: SAMPLE_CALL_ID, decision: "deny", reason: "not that file" },
    { type: "approve", call_id: SAMPLE_CALL_ID, decision: "approve", request_id: "web-7" },
  ],
  queue_edit: [{ type: "queue_edit", id: SAMPLE_QUEUE_ENTRY.id, text: "then the docs" }],
  queue_cancel: [{ type: "queue_cancel", id: SAMPLE_QUEUE_ENTRY.id }],
  queue_resume: [{ type: "queue_resume" }],
  configure: [{ type: "configure", changes: { model: "claude-opus-4-1", approval_mode: "always" } }],
  retry: [{ type: "retry" }],
  compact: [{ type: "compact" }, { type: "compact", instructions: "keep the API decisions" }],
  edit: [{ type: "edit", message_id: SAMPLE_MESSAGE.id, text: "Read src/main.ts instead" }],
  regenerate: [
    { type: "regenerate", message_id: SAMPLE_MESSAGE.id },
    { type: "regenerate", message_id: SAMPLE_MESSAGE.id, provider: "openai", model: "gpt-4.1" },
  ],
  switch_branch: [{ type: "switch_branch", message_id: SAMPLE_MESSAGE.id }],
  ping: [{ type: "ping" }],
  prepare: [{ type: "prepare" }],
} satisfies { [K in ClientToSession["type"]]: Extract<ClientToSession, { type: K }>[] };

const serverFrames = {
  snapshot: [
    {
      type: "snapshot",
      seq: 7,
      protocol_version: PROTOCOL_VERSION,
      session: SAMPLE_SESSION,
      presence: SAMPLE_SESSION.presence,
      messages: [SAMPLE_MESSAGE],
      turn: {
        turn_id: SAMPLE_TURN_ID,
        events: [{ type: "event", seq: 6, turn_id: SAMPLE_TURN_ID, event: { type: "text_delta", text: "Hi" } }],
        approvals: [
          {
            type: "approval_request",
            seq: 7,
            turn_id: SAMPLE_TURN_ID,
            call_id: SAMPLE_CALL_ID,
            tool: "write_file",
            kind: "edit",
            args: { path: "a.ts" },
            expires_at: "2026-11-24T19:05:00.000Z",
          },
        ],
      },
    },
  ],
  event: [{ type: "event", seq: 8, turn_id: SAMPLE_TURN_ID, event: { type: "text_delta", text: "Hi" } }],
  message: [
    { type: "message", seq: 9, message: SAMPLE_MESSAGE },
    { type: "message", seq: 9, message: SAMPLE_MESSAGE, request_id: "tui-1" },
  ],
  turn_end: [
    { type: "turn_end", seq: 10, turn_id: SAMPLE_TURN_ID, status: "completed", message: SAMPLE_MESSAGE },
    { type: "turn_end", seq: 11, turn_id: SAMPLE_TURN_ID, status: "interrupted", message: null },
  ],
  approval_request: [
    {
      type: "approval_request",
      seq: 12,
      turn_id: SAMPLE_TURN_ID,
      call_id: SAMPLE_CALL_ID,
      tool: "run_shell_command",
      kind: "execute",
      args: { command: "npm test" },
      expires_at: "2026-11-24T19:05:00.000Z",
    },
  ],
  approval_result: [
    { type: "approval_result", seq: 13, turn_id: SAMPLE_TURN_ID, call_id: SAMPLE_CALL_ID, decision: "approve_session", by: "tui" },
    { type: "approval_result", seq: 13, turn_id: SAMPLE_TURN_ID, call_id: SAMPLE_CALL_ID, decision: "deny", by: "timeout" },
  ],
  presence: [{ type: "presence", seq: 13, presence: { total: 3, web: 2, tui: 1, api: 0 } }],
  session_update: [{ type: "session_update", seq: 14, session: SAMPLE_SESSION }],
  queue: [
    { type: "queue", seq: 16, queue: [SAMPLE_QUEUE_ENTRY], paused: false },
    { type: "queue", seq: 17, queue: [], paused: true },
  ],
  credential_update: [
    {
      type: "credential_update",
      seq: 15,
      credential: {
        id: "3f1e7b4a-8c2d-4e6f-9a1b-2c3d4e5f6a7b" as never,
        provider: "codex",
        auth_type: "oauth",
        label: "ChatGPT (unofficial)",
        hint: "…c0de",
        base_url: null,
        context_window: null,
        is_enabled: true,
        expires_at: "2026-11-24T20:00:00.000Z",
        needs_reauth: true,
        last_error: "The login has expired or was revoked (invalid_grant).",
        last_used_at: null,
        created_at: "2026-11-24T18:00:00.000Z",
        updated_at: "2026-11-24T19:00:00.000Z",
      },
    },
  ],
  error: [
    {
      type: "error",
      code: "INVALID_FRAME",
      message: "text: text must not be empty",
      fields: [{ field: "text", message: "text must not be empty" }],
    },
    { type: "error", seq: 15, code: "SESSION_ARCHIVED", message: "session is archived" },
  ],
  branch: [{ type: "branch", seq: 16, leaf_id: SAMPLE_MESSAGE.id, messages: [SAMPLE_MESSAGE] }],
  pong: [{ type: "pong" }],
} satisfies { [K in SessionToClient["type"]]: Extract<SessionToClient, { type: K }>[] };

describe("client → session frames", () => {
  it.each(
    Object.values(clientFrames)
      .flat()
      .map((frame) => [frame.type, frame] as const),
  )("round-trips %s", (_type, frame) => {
    expect(decodeFrame(ClientToSessionSchema, encodeFrame(frame))).toEqual({ ok: true, value: frame });
  });

  it("keeps the keep-alive texts byte-exact, so the DO can answer while hibernated", () => {
    expect(decodeFrame(ClientToSessionSchema, PING_FRAME_TEXT)).toEqual({ ok: true, value: { type: "ping" } });
    expect(decodeFrame(SessionToClientSchema, PONG_FRAME_TEXT)).toEqual({ ok: true, value: { type: "pong" } });
  });

  it.each([
    ["an unknown type", { type: "subscribe" }, "UNKNOWN_FRAME_TYPE", "type"],
    ["a frame without type", { text: "hi" }, "UNKNOWN_FRAME_TYPE", "type"],
    [
      "a hello of another protocol version",
      { type: "hello", protocol_version: PROTOCOL_VERSION + 1, client: "web" },
      "PROTOCOL_VERSION_MISMATCH",
      "protocol_version",
    ],
    ["a hello without protocol version", { type: "hello", client: "web" }, "PROTOCOL_VERSION_MISMATCH", "protocol_version"],
    ["a hello of an unknown client kind", { type: "hello", protocol_version: PROTOCOL_VERSION, client: "fax" }, "INVALID_FRAME", "client"],
    ["a negative since", { type: "hello", protocol_version: PROTOCOL_VERSION, client: "web", since: -1 }, "INVALID_FRAME", "since"],
    ["a send without text", { type: "send" }, "INVALID_FRAME", "text"],
    ["a send of blank text", { type: "send", text: "   " }, "INVALID_FRAME", "text"],
    ["an approve with an unknown decision", { type: "approve", call_id: "c", decision: "maybe" }, "INVALID_FRAME", "decision"],
    ["an extra field (strict)", { type: "send", text: "hi", role: "system" }, "INVALID_FRAME", "(root)"],
    ["a request id with a space", { type: "send", text: "hi", request_id: "my id" }, "INVALID_FRAME", "request_id"],
    ["a request id over 100 characters", { type: "send", text: "hi", request_id: "x".repeat(101) }, "INVALID_FRAME", "request_id"],
    ["a queue edit of no entry id", { type: "queue_edit", id: "nope", text: "hi" }, "INVALID_FRAME", "id"],
    ["a queue edit to blank text", { type: "queue_edit", id: SAMPLE_QUEUE_ENTRY.id, text: " " }, "INVALID_FRAME", "text"],
    ["a configure with nothing to change", { type: "configure", changes: {} }, "INVALID_FRAME", "changes"],
    ["a configure of an unknown provider", { type: "configure", changes: { provider: "mistral" } }, "INVALID_FRAME", "changes.provider"],
  ])("refuses %s", (_name, value, code, field) => {
    const decoded = decodeFrame(ClientToSessionSchema, JSON.stringify(value));
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.error.code).toBe(code);
    expect(decoded.error.fields.map((issue) => issue.field)).toContain(field);
  });

  it("refuses text that is not JSON", () => {
    const decoded = decodeFrame(ClientToSessionSchema, "hello?");
    expect(decoded).toEqual({ ok: false, error: { code: "INVALID_FRAME", message: "frame is not valid JSON", fields: [] } });
  });

  it("decodes binary frames as UTF-8", () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ type: "send", text: "héllo ✓" }));
    expect(decodeFrame(ClientToSessionSchema, bytes)).toEqual({ ok: true, value: { type: "send", text: "héllo ✓" } });
  });
});

describe("session → client frames", () => {
  it.each(
    Object.values(serverFrames)
      .flat()
      .map((frame) => [frame.type, frame] as const),
  )("round-trips %s", (_type, frame) => {
    expect(decodeFrame(SessionToClientSchema, encodeFrame(frame))).toEqual({ ok: true, value: frame });
  });

  it("tolerates fields a newer server adds (clients decode loosely)", () => {
    const decoded = decodeFrame(
      SessionToClientSchema,
      JSON.stringify({ type: "presence", seq: 1, presence: { total: 0, web: 0, tui: 0, api: 0 }, region: "weur" }),
    );
    expect(decoded.ok).toBe(true);
  });

  it.each([
    ["an unknown type", { type: "teleport", seq: 1 }, "UNKNOWN_FRAME_TYPE"],
    ["an event without seq", { type: "event", turn_id: SAMPLE_TURN_ID, event: { type: "text_delta", text: "x" } }, "INVALID_FRAME"],
    [
      "an event carrying an invalid stream event",
      { type: "event", seq: 1, turn_id: SAMPLE_TURN_ID, event: { type: "text_delta" } },
      "INVALID_FRAME",
    ],
    [
      "a turn_end with an unknown status",
      { type: "turn_end", seq: 1, turn_id: SAMPLE_TURN_ID, status: "paused", message: null },
      "INVALID_FRAME",
    ],
  ])("refuses %s", (_name, value, code) => {
    const decoded = decodeFrame(SessionToClientSchema, JSON.stringify(value));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.code).toBe(code);
  });
});
