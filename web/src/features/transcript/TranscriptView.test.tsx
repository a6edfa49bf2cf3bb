// Proves: the conversation renders from the shared transcript fold — markdown with code blocks
// (and no raw HTML from the model), thinking collapsed, a tool call as a card with its arguments,
// live progress and result, the machine it ran on — and an approval prompt any client can answer, which disappears for
// everyone once answered.
import { EMPTY_TRANSCRIPT, type SessionToClient, type Transcript, foldTranscript } from "@maestro/protocol";
import { SAMPLE_CALL_ID, SAMPLE_MESSAGE, SAMPLE_SESSION, SAMPLE_TIME, SAMPLE_TURN_ID } from "@maestro/protocol/testing";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TranscriptView } from "./TranscriptView.tsx";

afterEach(cleanup);

const turn_id = SAMPLE_TURN_ID;
const call_id = SAMPLE_CALL_ID;
let seq = 0;
const at = () => (seq += 1);
const event = (body: Extract<SessionToClient, { type: "event" }>["event"]): SessionToClient => ({
  type: "event",
  seq: at(),
  turn_id,
  event: body,
});
const fold = (frames: SessionToClient[], from: Transcript = EMPTY_TRANSCRIPT) => frames.reduce(foldTranscript, from);

function streamingTurn(): Transcript {
  seq = 0;
  return fold([
    { type: "snapshot", seq: 0, protocol_version: 1, session: SAMPLE_SESSION, presence: SAMPLE_SESSION.presence, messages: [], turn: null },
    {
      type: "message",
      seq: at(),
      message: {
        ...SAMPLE_MESSAGE,
        id: "11111111-1111-4111-8111-111111111111" as never,
        role: "user",
        content: [{ type: "text", text: "Run the tests please" }],
        turn_id,
      },
    },
    event({ type: "thinking_delta", text: "They want npm test." }),
    event({ type: "text_delta", text: "Running:\n\n```sh\nnpm test\n```\n\n<img src=x onerror=alert(1)>" }),
    event({ type: "tool_call", phase: "start", call_id, name: "run_shell_command" }),
    event({ type: "tool_call", phase: "end", call_id, args: { command: "npm test" } }),
    {
      type: "approval_request",
      seq: at(),
      turn_id,
      call_id,
      tool: "run_shell_command",
      kind: "execute",
      args: { command: "npm test" },
      expires_at: SAMPLE_TIME,
    },
  ]);
}

describe("TranscriptView", () => {
  it("renders the user's message, thinking collapsed, markdown with a code block, and no raw HTML", () => {
    const { container } = render(<TranscriptView transcript={streamingTurn()} onAnswer={vi.fn()} />);
    expect(screen.getByText("Run the tests please")).toBeTruthy();
    const thinking = container.querySelector("details.thinking");
    expect(thinking?.hasAttribute("open")).toBe(false);
    expect(thinking?.textContent).toContain("They want npm test.");
    const code = container.querySelector("pre code");
    expect(code?.textContent).toBe("npm test\n");
    // Highlighted: the language is recognised and the command is marked up as a token.
    expect(code?.classList.contains("hljs")).toBe(true);
    expect(code?.querySelector("[class^='hljs-']")).not.toBeNull();
    expect(container.querySelector("img")).toBeNull();
  });

  it("shows a waiting tool call with its arguments and lets the user approve it", () => {
    const onAnswer = vi.fn();
    render(<TranscriptView transcript={streamingTurn()} onAnswer={onAnswer} />);
    const card = screen.getByRole("region", { name: "Tool call run_shell_command" });
    expect(within(card).getByText("waiting for approval")).toBeTruthy();
    expect(card.textContent).toContain('"command": "npm test"');
    fireEvent.click(within(card).getByRole("button", { name: "Approve once" }));
    expect(onAnswer).toHaveBeenCalledWith(call_id, "approve");
    fireEvent.click(within(card).getByRole("button", { name: "Approve for this session" }));
    expect(onAnswer).toHaveBeenLastCalledWith(call_id, "approve_session");
    fireEvent.click(within(card).getByRole("button", { name: "Deny" }));
    expect(onAnswer).toHaveBeenLastCalledWith(call_id, "deny");
  });

  it("shows a call waiting for its offline agent, then running again once it is back", () => {
    seq = 0;
    const base = fold([
      {
        type: "snapshot",
        seq: 0,
        protocol_version: 1,
        session: SAMPLE_SESSION,
        presence: SAMPLE_SESSION.presence,
        messages: [],
        turn: null,
      },
      event({ type: "tool_call", phase: "start", call_id, name: "read_file" }),
      event({ type: "tool_call", phase: "end", call_id, args: { path: "notes.txt" } }),
    ]);
    const waiting = fold([event({ type: "tool_progress", call_id, status: "waiting for laptop (offline)" })], base);
    const view = render(<TranscriptView transcript={waiting} onAnswer={vi.fn()} />);
    const badge = within(screen.getByRole("region", { name: "Tool call read_file" })).getByText("waiting for laptop (offline)");
    expect(badge.className).toContain("waiting");
    view.rerender(
      <TranscriptView transcript={fold([event({ type: "tool_progress", call_id, status: "running" })], waiting)} onAnswer={vi.fn()} />,
    );
    const running = within(screen.getByRole("region", { name: "Tool call read_file" })).getByText("running");
    expect(running.className).toContain("running");
  });

  it("takes the focus for a new prompt from an empty composer, but not from one being written in", () => {
    const composer = document.createElement("textarea");
    document.body.append(composer);
    composer.focus();
    const first = render(<TranscriptView transcript={streamingTurn()} onAnswer={vi.fn()} />);
    expect(document.activeElement?.textContent).toContain("Approve once");
    first.unmount();
    composer.value = "half a thought";
    composer.focus();
    render(<TranscriptView transcript={streamingTurn()} onAnswer={vi.fn()} />);
    expect(document.activeElement).toBe(composer);
    composer.remove();
  });

  it("names the machine a call runs on: from its machine argument while running, from its result after", () => {
    seq = 0;
    const running = fold([
      {
        type: "snapshot",
        seq: 0,
        protocol_version: 1,
        session: SAMPLE_SESSION,
        presence: SAMPLE_SESSION.presence,
        messages: [],
        turn: null,
      },
      event({ type: "tool_call", phase: "start", call_id, name: "read_file" }),
      event({ type: "tool_call", phase: "end", call_id, args: { machine: "ci box", path: "build.log" } }),
    ]);
    const { rerender } = render(<TranscriptView transcript={running} onAnswer={vi.fn()} />);
    expect(within(screen.getByRole("region", { name: "Tool call read_file" })).getByLabelText("Machine").textContent).toBe("on ci box");
    const done = fold(
      [event({ type: "tool_result", call_id, name: "read_file", ok: true, output: "log", duration_ms: 3, machine: "ci box" })],
      running,
    );
    rerender(<TranscriptView transcript={done} onAnswer={vi.fn()} />);
    expect(within(screen.getByRole("region", { name: "Tool call read_file" })).getByLabelText("Machine").textContent).toBe("on ci box");
    // A Worker tool ran on no machine, and says none.
    const worker = fold(
      [event({ type: "tool_result", call_id, name: "read_file", ok: true, output: "x", duration_ms: 1 })],
      streamingTurn(),
    );
    rerender(<TranscriptView transcript={worker} onAnswer={vi.fn()} />);
    expect(within(screen.getByRole("region", { name: "Tool call run_shell_command" })).queryByLabelText("Machine")).toBeNull();
  });

  it("shows a denied call and a failed call as such", () => {
    const denied = fold([{ type: "approval_result", seq: at(), turn_id, call_id, decision: "deny", by: "web" }], streamingTurn());
    const { rerender } = render(<TranscriptView transcript={denied} onAnswer={vi.fn()} />);
    let card = screen.getByRole("region", { name: "Tool call run_shell_command" });
    expect(within(card).getByText("denied")).toBeTruthy();
    expect(card.textContent).toContain("Denied from web");
    const failed = fold(
      [
        { type: "approval_result", seq: at(), turn_id, call_id, decision: "approve", by: "web" },
        event({
          type: "tool_result",
          call_id,
          name: "run_shell_command",
          ok: false,
          error_code: "TIMEOUT",
          output: "Stopped after 30 s.",
          duration_ms: 30_000,
        }),
      ],
      streamingTurn(),
    );
    rerender(<TranscriptView transcript={failed} onAnswer={vi.fn()} />);
    card = screen.getByRole("region", { name: "Tool call run_shell_command" });
    expect(within(card).getByText("TIMEOUT")).toBeTruthy();
    expect(within(card).getByLabelText("Error").textContent).toBe("Stopped after 30 s.");
  });

  it("closes the prompt once anyone answered, then streams progress and shows the result", () => {
    const base = streamingTurn();
    const answered = fold(
      [
        { type: "approval_result", seq: at(), turn_id, call_id, decision: "approve", by: "tui" },
        event({ type: "tool_progress", call_id, output: "PASS src/app.test.ts\n" }),
      ],
      base,
    );
    const { rerender } = render(<TranscriptView transcript={answered} onAnswer={vi.fn()} />);
    const card = screen.getByRole("region", { name: "Tool call run_shell_command" });
    expect(within(card).queryByRole("button", { name: "Approve once" })).toBeNull();
    expect(within(card).getByLabelText("Progress").textContent).toBe("PASS src/app.test.ts\n");
    expect(card.textContent).toContain("Approved from tui");
    const done = fold(
      [
        event({
          type: "tool_result",
          call_id,
          name: "run_shell_command",
          ok: true,
          output: "1 passed\n[exit code 0]",
          duration_ms: 1500,
          wait_ms: 14_000,
        }),
      ],
      answered,
    );
    rerender(<TranscriptView transcript={done} onAnswer={vi.fn()} />);
    const finished = screen.getByRole("region", { name: "Tool call run_shell_command" });
    expect(within(finished).getByLabelText("Result").textContent).toBe("1 passed\n[exit code 0]");
    // The run time, and the wait for approval apart from it.
    expect(within(finished).getByLabelText("Run time").textContent).toBe("1.5 s");
    expect(within(finished).getByLabelText("Approval wait").textContent).toBe("waited 14.0 s for approval");
    expect(within(finished).getByText("done")).toBeTruthy();
  });

  it("shows a stored answer once, with its tokens and cost, when the turn ends", () => {
    const stored = { ...SAMPLE_MESSAGE, turn_id, content: [{ type: "text" as const, text: "All **green**." }] };
    const base = streamingTurn();
    const ended = fold(
      [
        { type: "message", seq: at(), message: stored },
        { type: "turn_end", seq: at(), turn_id, status: "completed", message: stored },
      ],
      base,
    );
    const { container } = render(<TranscriptView transcript={ended} onAnswer={vi.fn()} />);
    expect(screen.getAllByText("green")).toHaveLength(1);
    expect(container.querySelector("strong")?.textContent).toBe("green");
    expect(screen.getByText(/180 in \(80 from cache\) · 50 out · \$0\.0009/)).toBeTruthy();
    expect(container.querySelector(".streaming")).toBeNull();
  });

  it("shows no empty streaming box under a stored step that waits for an approval", () => {
    const step = {
      ...SAMPLE_MESSAGE,
      turn_id,
      content: [
        { type: "text" as const, text: "Running the tests." },
        { type: "tool_call" as const, call_id, name: "run_shell_command", args: { command: "npm test" } },
      ],
    };
    const base = streamingTurn();
    const waiting = fold([{ type: "message", seq: at(), message: step }], base);
    const { container } = render(<TranscriptView transcript={waiting} onAnswer={vi.fn()} />);
    expect(container.querySelector(".streaming")).toBeNull();
    const card = screen.getByRole("region", { name: "Tool call run_shell_command" });
    expect(within(card).getByRole("button", { name: "Approve once" })).toBeTruthy();
    // Once answered, the turn streams again: its box comes back with the next token.
    const answered = fold(
      [
        { type: "approval_result", seq: at(), turn_id, call_id, decision: "approve", by: "web" },
        event({ type: "text_delta", text: "Tests pass." }),
      ],
      waiting,
    );
    cleanup();
    const after = render(<TranscriptView transcript={answered} onAnswer={vi.fn()} />);
    expect(after.container.querySelector(".streaming")?.textContent).toContain("Tests pass.");
  });

  it("shows where the session compacted, with the summary behind a toggle, and a refusal as one", () => {
    seq = 0;
    const transcript = fold([
      {
        type: "snapshot",
        seq: 0,
        protocol_version: 1,
        session: SAMPLE_SESSION,
        presence: SAMPLE_SESSION.presence,
        messages: [],
        turn: null,
      },
      {
        type: "message",
        seq: at(),
        message: {
          ...SAMPLE_MESSAGE,
          id: "22222222-2222-4222-8222-222222222222" as never,
          role: "compaction",
          content: [
            {
              type: "compaction",
              trigger: "auto",
              pruned_through: null,
              summarized_through: SAMPLE_MESSAGE.id,
              summary: "The person asked to **refactor the parser**.",
              tokens_before: 171_000,
              tokens_after: 12_400,
            },
          ],
        },
      },
      {
        type: "message",
        seq: at(),
        message: {
          ...SAMPLE_MESSAGE,
          id: "33333333-3333-4333-8333-333333333333" as never,
          content: [{ type: "refusal", text: "I can't help with that." }],
          stop_reason: "refusal",
        },
      },
    ]);
    render(<TranscriptView transcript={transcript} onAnswer={vi.fn()} />);
    const divider = screen.getByRole("separator");
    expect(within(divider).getByText(/Earlier turns were summarised for the model \(171k → 12.4k tokens\) — show summary/)).toBeTruthy();
    expect(within(divider).getByText("refactor the parser").tagName).toBe("STRONG");
    expect(screen.getByRole("note").textContent).toBe("Declined: I can't help with that.");
    expect(screen.getByText(/The model declined to answer\./)).toBeTruthy();
  });
});
