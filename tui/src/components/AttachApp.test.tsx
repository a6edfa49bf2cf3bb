// Proves: the attach view shows the live transcript with tool cards (their progress live) and
// thinking collapsed, prints every finished message exactly once and in order (through a whole
// turn, and when a resume falls back to a snapshot), answers an approval with a key (y / s / n),
// cancels with Esc, sends what is typed on Enter (also when a terminal delivers text and Enter in
// one chunk), and runs slash commands (an API error is a notice, not a crash); the status bar
// shows the connection, model, bound machines, tokens and cost; a tool card names its machine; a
// ChatGPT credential that needs a new login says how to sign in again; a session the server refuses says why; the queue shows under the
// transcript and /qedit, /unqueue and /resume change it.
import {
  ApiError,
  type ClientToSession,
  CredentialIdSchema,
  EMPTY_TRANSCRIPT,
  type Message,
  MessageIdSchema,
  QueueEntryIdSchema,
  type SessionSocketClient,
  type SessionSocketOptions,
  type SessionToClient,
  type RestClient,
  type SocketFailure,
  ToolCallIdSchema,
  type Transcript,
  TurnIdSchema,
  foldTranscript,
} from "@maestro/protocol";
import {
  SAMPLE_CALL_ID,
  SAMPLE_MESSAGE,
  SAMPLE_MODEL,
  SAMPLE_QUEUE_ENTRY,
  SAMPLE_SESSION,
  SAMPLE_TIME,
  SAMPLE_TURN_ID,
} from "@maestro/protocol/testing";
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
  const fail = (failure: SocketFailure) => {
    options?.onFailure?.(failure);
    options?.onState?.("closed");
  };
  return { sent, open, push, fail };
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
  models: {
    list: async () => ({ data: [SAMPLE_MODEL, { ...SAMPLE_MODEL, provider: "gemini", id: "gemini-2.5-pro", context_window: 1_048_576 }] }),
  },
} as unknown as RestClient;

/** A stored message of the sample session: the sample assistant step, with this id, turn, role and text. */
const message = (id: string, turnId: string, role: Message["role"], text: string): Message => ({
  ...SAMPLE_MESSAGE,
  id: MessageIdSchema.parse(id),
  turn_id: TurnIdSchema.parse(turnId),
  role,
  content: [{ type: "text", text }],
});
const occurrences = (frame: string | undefined, text: string) => (frame ?? "").split(text).length - 1;

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

async function start(api: RestClient = client) {
  const socket = fakeSocket();
  const app = render(<AttachApp client={api} sessionId={SAMPLE_SESSION.id} openSocket={socket.open} />);
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

  it("shows a tool call waiting for its offline agent", async () => {
    const { app, push } = await start();
    push(
      { type: "event", seq: 2, turn_id, event: { type: "tool_call", phase: "start", call_id, name: "read_file" } },
      { type: "event", seq: 3, turn_id, event: { type: "tool_call", phase: "end", call_id, args: { path: "notes.txt" } } },
      { type: "event", seq: 4, turn_id, event: { type: "tool_progress", call_id, status: "waiting for laptop (offline)" } },
    );
    await tick();
    expect(app.lastFrame() ?? "").toContain("read_file waiting for laptop (offline)");
    push({ type: "event", seq: 5, turn_id, event: { type: "tool_progress", call_id, status: "running" } });
    await tick();
    expect(app.lastFrame() ?? "").toContain("read_file running");
  });

  it("sends typed text on Enter, also when text and Enter arrive together, saying first that a message is being typed", async () => {
    const { app, sent } = await start();
    app.stdin.write("hello");
    await tick();
    expect(app.lastFrame()).toContain("> hello");
    // The session reads what the turn will need while the rest is typed (at most every few seconds).
    expect(sent).toEqual([{ type: "prepare" }]);
    app.stdin.write("\r");
    await tick();
    app.stdin.write("second line\r");
    await tick();
    expect(sent).toEqual([{ type: "prepare" }, { type: "send", text: "hello" }, { type: "send", text: "second line" }]);
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

  it("shows how full the context is, and /compact asks the session to make room, keeping what it is told", async () => {
    const { app, sent } = await start();
    expect(app.lastFrame()).toContain("context 143k / 200k");
    app.stdin.write("/compact\r");
    await tick();
    app.stdin.write("/compact the parser decisions\r");
    await tick();
    expect(sent).toEqual([{ type: "compact" }, { type: "compact", instructions: "the parser decisions" }]);
    expect(app.lastFrame()).toContain("compacting, keeping: the parser decisions");
  });

  it("/model takes any id and says its context window from the catalog, for the session's provider", async () => {
    const { app, sent } = await start();
    app.stdin.write("/model\r");
    await tick();
    expect(app.lastFrame()).toContain("model: claude-sonnet-4-5 · 200k context (use /model <name> to switch)");
    app.stdin.write("/model claude-sonnet-4-5-20250929\r");
    await tick();
    expect(app.lastFrame()).toContain("switching to claude-sonnet-4-5-20250929 · 200k context");
    // Another provider's model, or a local server's, is not this session's catalog: sent all the same.
    app.stdin.write("/model gemini-2.5-pro\r");
    await tick();
    expect(app.lastFrame()).toContain("switching to gemini-2.5-pro · not in the catalog: context window unknown");
    app.stdin.write("/model qwen2.5-coder:32b\r");
    await tick();
    expect(sent).toContainEqual({ type: "configure", changes: { model: "qwen2.5-coder:32b" } });
    expect(app.lastFrame()).toContain("not in the catalog");
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
        context_window: null,
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

  it("prints every finished message once, in order, through a turn and a resume that falls back to a snapshot", async () => {
    const { app, push } = await start();
    const question = message("1c8e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a", turn_id, "user", "Which files changed today?");
    const reply = message("2d9f3a4b-5c6d-4e7f-9a8b-0c1d2e3f4a5b", turn_id, "assistant", "Only parser.ts changed.");
    // Ink's test output is everything <Static> printed so far, then the live area: what the user sees.
    const seen = (text: string) => occurrences(app.lastFrame(), text);
    // The worker stores (and sends) the user's message before the turn's first event.
    push({ type: "message", seq: 2, message: question });
    await tick();
    expect(seen("Which files changed today?")).toBe(1);
    push({ type: "event", seq: 3, turn_id, event: { type: "text_delta", text: "Only parser.ts" } });
    await tick();
    expect(seen("Which files changed today?")).toBe(1);
    push({ type: "message", seq: 4, message: reply });
    await tick();
    expect(seen("Which files changed today?")).toBe(1);
    expect(seen("Only parser.ts changed.")).toBe(1);
    push({ type: "turn_end", seq: 5, turn_id, status: "completed", message: reply });
    await tick();
    expect(seen("Which files changed today?")).toBe(1);
    expect(seen("Only parser.ts changed.")).toBe(1);

    // Away too long: the resume comes back as a snapshot holding what was printed and what was missed.
    const later = "8b7c6d5e-4f3a-4b2c-9d1e-0f1a2b3c4d5e";
    const followUp = message("3e0a4b5c-6d7e-4f8a-8b9c-1d2e3f4a5b6c", later, "user", "And yesterday?");
    const laterReply = message("4f1b5c6d-7e8f-4a9b-9c0d-2e3f4a5b6c7d", later, "assistant", "Yesterday: lexer.ts.");
    push({
      type: "snapshot",
      seq: 12,
      protocol_version: 1,
      session: SAMPLE_SESSION,
      presence: SAMPLE_SESSION.presence,
      messages: [question, reply, followUp, laterReply],
      turn: null,
    });
    await tick();
    const texts = ["Which files changed today?", "Only parser.ts changed.", "And yesterday?", "Yesterday: lexer.ts."];
    for (const text of texts) expect(seen(text), text).toBe(1);
    const positions = texts.map((text) => (app.lastFrame() ?? "").indexOf(text));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("shows thinking collapsed, live and once stored", async () => {
    const { app, push } = await start();
    push({ type: "event", seq: 2, turn_id, event: { type: "thinking_delta", text: "The user wants a summary" } });
    await tick();
    expect(app.lastFrame()).toContain("▸ thinking…");
    expect(app.lastFrame()).not.toContain("The user wants a summary");
    const stored: Message = { ...SAMPLE_MESSAGE, content: [{ type: "thinking", text: "The user wants a summary", signature: "sig" }] };
    push({ type: "turn_end", seq: 3, turn_id, status: "completed", message: stored });
    await tick();
    expect(app.lastFrame()).toContain("▸ thinking (24 chars)");
    expect(app.lastFrame()).not.toContain("The user wants a summary");
  });

  it("shows a running tool's progress live on its card", async () => {
    const { app, push } = await start();
    push(
      { type: "event", seq: 2, turn_id, event: { type: "tool_call", phase: "start", call_id, name: "run_shell_command" } },
      { type: "event", seq: 3, turn_id, event: { type: "tool_call", phase: "end", call_id, args: { command: "npm run build" } } },
      { type: "event", seq: 4, turn_id, event: { type: "tool_progress", call_id, output: "compiling 1/2\n" } },
    );
    await tick();
    expect(app.lastFrame()).toContain("run_shell_command running");
    expect(app.lastFrame()).toContain("compiling 1/2");
    push({ type: "event", seq: 5, turn_id, event: { type: "tool_progress", call_id, output: "compiling 2/2\n", status: "linking" } });
    await tick();
    expect(app.lastFrame()).toContain("run_shell_command linking");
    expect(app.lastFrame()).toMatch(/compiling 1\/2[\s\S]*compiling 2\/2/);
  });

  it("names the machine on a tool card, and the session's machines in the status line", async () => {
    const socket = fakeSocket();
    const app = render(<AttachApp client={client} sessionId={SAMPLE_SESSION.id} openSocket={socket.open} />);
    unmount = app.unmount;
    await tick(50);
    const session = { ...SAMPLE_SESSION, agents: ["laptop", "ci box"] };
    socket.push({ type: "snapshot", seq: 1, protocol_version: 1, session, presence: session.presence, messages: [], turn: null });
    socket.push(
      { type: "event", seq: 2, turn_id, event: { type: "tool_call", phase: "start", call_id, name: "read_file" } },
      { type: "event", seq: 3, turn_id, event: { type: "tool_call", phase: "end", call_id, args: { machine: "ci box", path: "a" } } },
      {
        type: "event",
        seq: 4,
        turn_id,
        event: {
          type: "tool_result",
          call_id,
          name: "read_file",
          ok: true,
          output: "1\ta",
          duration_ms: 2,
          wait_ms: 75_000,
          machine: "ci box",
        },
      },
    );
    await tick();
    expect(app.lastFrame()).toContain("read_file done on ci box 2 ms (waited 1 min 15 s for approval)");
    expect(app.lastFrame()).toContain("on laptop, ci box");
  });

  it("answers approvals with s (for the session) and n (deny)", async () => {
    const { app, push, sent } = await start();
    const second = ToolCallIdSchema.parse("toolu_02XYZ");
    const ask = (seq: number, id: typeof call_id) =>
      ({
        type: "approval_request",
        seq,
        turn_id,
        call_id: id,
        tool: "write_file",
        kind: "edit",
        args: { path: "a.ts" },
        expires_at: SAMPLE_TIME,
      }) as const;
    push(ask(2, call_id));
    await tick();
    app.stdin.write("s");
    await tick();
    expect(sent).toContainEqual({ type: "approve", call_id, decision: "approve_session" });
    push({ type: "approval_result", seq: 3, turn_id, call_id, decision: "approve_session", by: "tui" }, ask(4, second));
    await tick();
    app.stdin.write("n");
    await tick();
    expect(sent).toContainEqual({ type: "approve", call_id: second, decision: "deny" });
    // Answer keys are not typed into the composer.
    expect(app.lastFrame()).not.toMatch(/> [sn]/);
  });

  it("answers with a (always allow here) and A (everywhere): a rule first, then this call approved", async () => {
    const created: unknown[] = [];
    const api = {
      ...client,
      approvalRules: {
        create: async (body: { tool: string; session_id: string | null }) => {
          created.push(body);
          return { id: "0f0e0d0c-0000-4000-8000-000000000001", effect: "allow", match: null, note: null, created_at: SAMPLE_TIME, ...body };
        },
      },
    } as unknown as RestClient;
    const { app, push, sent } = await start(api);
    const second = ToolCallIdSchema.parse("toolu_02XYZ");
    const ask = (seq: number, id: typeof call_id, tool: string) =>
      ({
        type: "approval_request",
        seq,
        turn_id,
        call_id: id,
        tool,
        kind: "execute",
        args: { command: "npm test" },
        expires_at: SAMPLE_TIME,
      }) as const;
    push(
      { type: "event", seq: 2, turn_id, event: { type: "tool_call", phase: "start", call_id, name: "run_shell_command" } },
      ask(3, call_id, "run_shell_command"),
    );
    await tick();
    expect(app.lastFrame()).toContain("[a] always here");
    app.stdin.write("a");
    await tick();
    expect(created).toEqual([{ effect: "allow", tool: "run_shell_command", session_id: SAMPLE_SESSION.id, note: "from maestro attach" }]);
    expect(sent).toContainEqual({ type: "approve", call_id, decision: "approve" });
    expect(app.lastFrame()).toContain("always allow run_shell_command in this session");
    push(
      { type: "approval_result", seq: 4, turn_id, call_id, decision: "approve", by: "tui" },
      { type: "event", seq: 5, turn_id, event: { type: "tool_call", phase: "start", call_id: second, name: "grep" } },
      ask(6, second, "grep"),
    );
    await tick();
    app.stdin.write("A");
    await tick();
    expect(created.at(-1)).toMatchObject({ tool: "grep", session_id: null });
    expect(sent).toContainEqual({ type: "approve", call_id: second, decision: "approve" });
    expect(app.lastFrame()).not.toMatch(/> [aA]/);
  });

  it("shows an API error of /tools as a notice and keeps running", async () => {
    const failing = {
      tools: { list: () => Promise.reject(new ApiError(503, "SERVICE_UNAVAILABLE", "the database is not reachable")) },
    } as unknown as RestClient;
    const { app } = await start(failing);
    app.stdin.write("/tools\r");
    await tick();
    expect(app.lastFrame()).toContain("could not list the tools: the database is not reachable");
    app.stdin.write("/cost\r");
    await tick();
    expect(app.lastFrame()).toContain("10 tokens in, 20 out");
  });

  it("says why when the server refuses the session for good", async () => {
    const { app, fail } = await start();
    fail({ status: 404, code: "SESSION_NOT_FOUND", message: "There is no session with that id." });
    await tick();
    expect(app.lastFrame()?.replace(/\s+/g, " ")).toContain(`Cannot open session ${SAMPLE_SESSION.id}: There is no session with that id.`);
    expect(app.lastFrame()).toContain("● closed");
  });

  it("shows the queue under the transcript; /qedit, /unqueue and /resume change it", async () => {
    const { app, push, sent } = await start();
    const first = { ...SAMPLE_QUEUE_ENTRY, text: "then run the tests" };
    const second = {
      ...SAMPLE_QUEUE_ENTRY,
      id: QueueEntryIdSchema.parse("1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"),
      text: "and commit",
      by: "web" as const,
    };
    push({ type: "queue", seq: 2, queue: [first, second], paused: false });
    await tick();
    expect(app.lastFrame()).toContain("Queued, runs when the turn ends");
    expect(app.lastFrame()).toContain("1. then run the tests (tui)");
    expect(app.lastFrame()).toContain("2. and commit (web)");
    app.stdin.write("/qedit 2 and push\r");
    await tick();
    app.stdin.write("/unqueue 1\r");
    await tick();
    app.stdin.write("/unqueue 7\r");
    await tick();
    expect(app.lastFrame()).toContain("no queued message 7");
    expect(sent).toEqual([
      { type: "queue_edit", id: second.id, text: "and push" },
      { type: "queue_cancel", id: first.id },
    ]);
    push({ type: "queue", seq: 3, queue: [second], paused: true });
    await tick();
    expect(app.lastFrame()).toContain("paused after the last turn stopped");
    app.stdin.write("/resume\r");
    await tick();
    expect(sent.at(-1)).toEqual({ type: "queue_resume" });
  });
});
