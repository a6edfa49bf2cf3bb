// Proves: the attach view shows the live transcript with tool cards, answers an approval with a
// key (y / s / n), cancels with Esc, sends what is typed on Enter (also when a terminal delivers
// text and Enter in one chunk), and runs slash commands; the status bar shows the connection,
// model, tokens and cost; a ChatGPT credential that needs a new login says how to sign in again.
import {
  type ClientToSession,
  CredentialIdSchema,
  EMPTY_TRANSCRIPT,
  type SessionSocketClient,
  type SessionSocketOptions,
  type SessionToClient,
  type RestClient,
  type Transcript,
  foldTranscript,
} from "@maestro/protocol";
import { SAMPLE_CALL_ID, SAMPLE_SESSION, SAMPLE_TIME, SAMPLE_TURN_ID } from "@maestro/protocol/testing";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { AttachApp } from "./AttachApp.tsx";

const turn_id = SAMPLE_TURN_ID;
const call_id = SAMPLE_CALL_ID;

/** A socket client the test drives: it folds frames the test pushes and records what is sent. */
function fakeSocket() {
  const sent: ClientToSession[] = [];
  let options: Omit<SessionSocketOptions, "baseUrl" | "token"> | undefined;
  let transcript: Transcript = EMPTY_TRANSCRIPT;
  const open = (given: Omit<SessionSocketOptions, "baseUrl" | "token">) => {
    options = given;
    return {
      send: (frame: ClientToSession) => {
        sent.push(frame);
        return true;
      },
      close: () => undefined,
    } as unknown as SessionSocketClient;
  };
  const push = (...frames: SessionToClient[]) => {
    for (const frame of frames) transcript = foldTranscript(transcript, frame);
    options?.onState?.("open");
    options?.onTranscript?.(transcript);
  };
  return { sent, open, push };
}

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));
const client = {
  tools: {
    list: async () => ({
      data: [
        { name: "read_file", is_enabled: true },
        { name: "grep", is_enabled: false },
      ],
    }),
  },
} as unknown as RestClient;

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

async function start() {
  const socket = fakeSocket();
  const app = render(<AttachApp client={client} sessionId={SAMPLE_SESSION.id} openSocket={socket.open} />);
  unmount = app.unmount;
  // The socket opens in an effect after the first render: let it, then deliver the snapshot.
  await tick(50);
  socket.push({
    type: "snapshot",
    seq: 1,
    protocol_version: 1,
    session: SAMPLE_SESSION,
    presence: SAMPLE_SESSION.presence,
    messages: [],
    turn: null,
  });
  await tick(50);
  return { ...socket, app };
}

describe("AttachApp", () => {
  it("streams a turn with a tool card and answers its approval with a key", async () => {
    const { app, push, sent } = await start();
    push(
      { type: "event", seq: 2, turn_id, event: { type: "text_delta", text: "Running the **tests**." } },
      { type: "event", seq: 3, turn_id, event: { type: "tool_call", phase: "start", call_id, name: "run_shell_command" } },
      { type: "event", seq: 4, turn_id, event: { type: "tool_call", phase: "end", call_id, args: { command: "npm test" } } },
      {
        type: "approval_request",
        seq: 5,
        turn_id,
        call_id,
        tool: "run_shell_command",
        kind: "execute",
        args: { command: "npm test" },
        expires_at: SAMPLE_TIME,
      },
    );
    await tick();
    const frame = app.lastFrame() ?? "";
    // Markdown rendered for the terminal: bold, without its asterisks.
    expect(frame).toMatch(/Running the .*tests.*\./);
    expect(frame).not.toContain("**");
    expect(frame).toContain("run_shell_command waiting for approval");
    expect(frame).toContain("[y] once");
    expect(frame).toContain("● open");
    expect(frame).toContain("claude-sonnet-4-5");
    app.stdin.write("y");
    await tick();
    expect(sent).toContainEqual({ type: "approve", call_id, decision: "approve" });
    app.stdin.write("\u001B");
    await tick();
    expect(sent).toContainEqual({ type: "cancel" });
  });

  it("sends typed text on Enter, also when text and Enter arrive together", async () => {
    const { app, sent } = await start();
    app.stdin.write("hello");
    await tick();
    expect(app.lastFrame()).toContain("> hello");
    app.stdin.write("\r");
    await tick();
    app.stdin.write("second line\r");
    await tick();
    expect(sent).toEqual([
      { type: "send", text: "hello" },
      { type: "send", text: "second line" },
    ]);
  });

  it("runs slash commands: /cost, /tools, /model", async () => {
    const { app, sent } = await start();
    app.stdin.write("/cost\r");
    await tick();
    expect(app.lastFrame()).toContain("10 tokens in, 20 out, $0.0012");
    app.stdin.write("/tools\r");
    await tick();
    expect(app.lastFrame()).toContain("read_file");
    expect(app.lastFrame()).not.toContain("grep");
    app.stdin.write("/model claude-opus-4-1\r");
    await tick();
    expect(sent).toContainEqual({ type: "configure", changes: { model: "claude-opus-4-1" } });
  });

  it("says how to sign in again when the session's ChatGPT login was revoked", async () => {
    const { push, app } = await start();
    push({
      type: "credential_update",
      seq: 2,
      credential: {
        id: CredentialIdSchema.parse("5a1e7b4a-8c2d-4e6f-9a1b-2c3d4e5f6a7b"),
        provider: "codex",
        auth_type: "oauth",
        label: "chatgpt",
        hint: "…wxyz",
        base_url: null,
        is_enabled: true,
        expires_at: SAMPLE_TIME,
        needs_reauth: true,
        last_error: "invalid_grant: refresh token revoked",
        last_used_at: null,
        created_at: SAMPLE_TIME,
        updated_at: SAMPLE_TIME,
      },
    });
    await tick();
    // The terminal may wrap the line: compare the words.
    expect(app.lastFrame()?.replace(/\s+/g, " ")).toContain(
      "chatgpt needs a new login — run: maestro auth codex --credential 5a1e7b4a-8c2d-4e6f-9a1b-2c3d4e5f6a7b",
    );
  });
});
