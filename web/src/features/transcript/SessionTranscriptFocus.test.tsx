// Proves: jumping to a message (a search hit) pages back through the session's history until the
// message is loaded, then scrolls to it and highlights it; a hit in a tool's result lands on the
// model's message holding the call; a message the history does not hold is said to be missing.
import { EMPTY_TRANSCRIPT, type Message, type MessagePage, type RestClient, type ToolCallId, foldTranscript } from "@maestro/protocol";
import { SAMPLE_MESSAGE, SAMPLE_SESSION } from "@maestro/protocol/testing";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { focusTarget } from "./focus-target.ts";
import { SessionTranscript } from "./SessionTranscript.tsx";

const scrolled = vi.fn();
beforeEach(() => {
  scrolled.mockClear();
  // jsdom lays nothing out, so it has no scrollIntoView.
  Element.prototype.scrollIntoView = function (this: Element) {
    scrolled(this.id);
  };
});
afterEach(cleanup);

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}` as Message["id"];
const said = (n: number): Message => ({ ...SAMPLE_MESSAGE, id: id(n), role: "user", content: [{ type: "text", text: `message ${n}` }] });
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => said(from + index));
const page = (messages: Message[], nextBefore: number | null): MessagePage => ({
  data: messages.toReversed(),
  next_before: nextBefore === null ? null : id(nextBefore),
});
const liveWith = (messages: Message[]) =>
  foldTranscript(EMPTY_TRANSCRIPT, {
    type: "snapshot",
    seq: 0,
    protocol_version: 1,
    session: SAMPLE_SESSION,
    presence: SAMPLE_SESSION.presence,
    messages,
    turn: null,
  });

function fakeClient(...answers: MessagePage[]) {
  const list = vi.fn(async () => {
    const answer = answers.shift();
    if (answer === undefined) throw new Error("No more pages scripted.");
    return answer;
  });
  return { client: { messages: { list } } as unknown as RestClient, list };
}

const call = "call_1" as ToolCallId;
const asking: Message = {
  ...SAMPLE_MESSAGE,
  id: id(900),
  role: "assistant",
  content: [{ type: "tool_call", call_id: call, name: "read_file", args: { path: "a.ts" } }],
};
const answered: Message = {
  ...SAMPLE_MESSAGE,
  id: id(901),
  role: "tool",
  content: [{ type: "tool_result", call_id: call, name: "read_file", ok: true, output: "x" }],
};

describe("jumping to a message", () => {
  it("pages back until the message is loaded, then scrolls to it and highlights it", async () => {
    const { client, list } = fakeClient(page(range(51, 100), 51), page(range(1, 50), null));
    render(<SessionTranscript client={client} transcript={liveWith(range(101, 150))} onAnswer={vi.fn()} focusId={id(7)} />);
    await waitFor(() => expect(scrolled).toHaveBeenCalledWith(`message-${id(7)}`));
    expect(list).toHaveBeenCalledTimes(2);
    const focused = screen.getByRole("article", { current: true });
    expect(focused.textContent).toBe("message 7");
    expect(focused.className).toContain("focused");
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("scrolls at once to a message in the live window, asking for nothing", async () => {
    const { client, list } = fakeClient();
    render(<SessionTranscript client={client} transcript={liveWith(range(101, 150))} onAnswer={vi.fn()} focusId={id(120)} />);
    await waitFor(() => expect(scrolled).toHaveBeenCalledWith(`message-${id(120)}`));
    expect(list).not.toHaveBeenCalled();
  });

  it("says so when the branch in use does not hold the message, and offers to switch to its branch", async () => {
    const { client } = fakeClient(page([], null));
    const switchTo = vi.fn();
    const actions = { busy: false, credentials: [], models: [], forks: [], edit: vi.fn(), regenerate: vi.fn(), switchTo, fork: vi.fn() };
    render(<SessionTranscript client={client} transcript={liveWith(range(1, 3))} onAnswer={vi.fn()} focusId={id(999)} actions={actions} />);
    await waitFor(() =>
      expect(screen.getByRole("status").textContent).toContain("That message is on another branch of this conversation."),
    );
    expect(scrolled).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole("button", { name: "Switch to its branch" }));
    expect(switchTo).toHaveBeenCalledWith(id(999));
  });

  it("lands a hit in a tool's result on the message holding its call", () => {
    expect(focusTarget([said(1), asking, answered], answered.id)).toBe(asking.id);
    expect(focusTarget([answered], answered.id)).toBeNull();
    expect(focusTarget([said(1)], id(1))).toBe(id(1));
    expect(focusTarget([said(1)], null)).toBeNull();
  });
});
