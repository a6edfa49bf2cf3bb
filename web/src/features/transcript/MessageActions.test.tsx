// Proves: a message with alternatives shows where it stands among them ("2 / 3") and its arrows
// ask for the neighbouring branch; editing a user's message sends the new text for that message;
// regenerate asks for the answer again; nothing can branch while a turn runs; a fork made from a
// message is linked under it.
import { EMPTY_TRANSCRIPT, type Message, type MessageId, type Transcript } from "@maestro/protocol";
import { SAMPLE_MESSAGE, SAMPLE_SESSION } from "@maestro/protocol/testing";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MessageActions } from "./MessageActions.tsx";
import { TranscriptView } from "./TranscriptView.tsx";

afterEach(cleanup);

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}` as MessageId;

const user: Message = {
  ...SAMPLE_MESSAGE,
  id: id(2),
  role: "user",
  content: [{ type: "text", text: "second try" }],
  siblings: [id(1), id(2), id(3)],
};
const answer: Message = {
  ...SAMPLE_MESSAGE,
  id: id(4),
  parent_id: id(2),
  role: "assistant",
  content: [{ type: "text", text: "An answer." }],
};

function actions(overrides: Partial<MessageActions> = {}): MessageActions {
  return {
    busy: false,
    credentials: [],
    models: [],
    forks: [],
    edit: vi.fn(),
    regenerate: vi.fn(),
    switchTo: vi.fn(),
    fork: vi.fn(),
    ...overrides,
  };
}

const transcript: Transcript = { ...EMPTY_TRANSCRIPT, session: SAMPLE_SESSION, messages: [user, answer] };

describe("message actions", () => {
  it("steps through a message's alternatives", () => {
    const given = actions();
    render(<TranscriptView transcript={transcript} onAnswer={vi.fn()} actions={given} />);
    expect(screen.getByLabelText("Branch").textContent).toBe("2 / 3");
    fireEvent.click(screen.getByRole("button", { name: "Previous branch" }));
    fireEvent.click(screen.getByRole("button", { name: "Next branch" }));
    expect(given.switchTo).toHaveBeenNthCalledWith(1, id(1));
    expect(given.switchTo).toHaveBeenNthCalledWith(2, id(3));
  });

  it("edits a user's message in place and sends the new text for it", () => {
    const given = actions();
    render(<TranscriptView transcript={transcript} onAnswer={vi.fn()} actions={given} />);
    fireEvent.click(screen.getByRole("button", { name: "Edit" }));
    fireEvent.change(screen.getByLabelText("Edit message"), { target: { value: "third try" } });
    fireEvent.click(screen.getByRole("button", { name: "Send edit" }));
    expect(given.edit).toHaveBeenCalledWith(id(2), "third try");
    expect(screen.queryByLabelText("Edit message")).toBeNull();
  });

  it("regenerates an answer, and offers nothing that branches while a turn runs", () => {
    const given = actions();
    const { rerender } = render(<TranscriptView transcript={transcript} onAnswer={vi.fn()} actions={given} />);
    fireEvent.click(screen.getByRole("button", { name: "Regenerate" }));
    expect(given.regenerate).toHaveBeenCalledWith(id(4), {});
    rerender(<TranscriptView transcript={transcript} onAnswer={vi.fn()} actions={{ ...given, busy: true }} />);
    for (const name of ["Regenerate", "Edit", "Previous branch", "Next branch"])
      expect(screen.getByRole<HTMLButtonElement>("button", { name }).disabled, name).toBe(true);
  });

  it("links the forks made from a message under it", () => {
    const forks = [{ session_id: SAMPLE_SESSION.id, title: "Other idea", message_id: id(4), created_at: SAMPLE_MESSAGE.created_at }];
    render(<TranscriptView transcript={transcript} onAnswer={vi.fn()} actions={actions({ forks })} />);
    expect(screen.getByRole("link", { name: "Forked into “Other idea”" }).getAttribute("href")).toBe(`#/sessions/${SAMPLE_SESSION.id}`);
  });
});
