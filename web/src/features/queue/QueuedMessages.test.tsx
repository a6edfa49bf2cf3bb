// Proves: the queued messages show under the transcript with who queued them; each can be edited
// (Enter saves, Escape keeps it) and cancelled, and a paused queue offers to run; an empty queue
// shows nothing.
import { QueueEntryIdSchema } from "@maestro/protocol";
import { SAMPLE_QUEUE_ENTRY } from "@maestro/protocol/testing";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { QueuedMessages } from "./QueuedMessages.tsx";

afterEach(cleanup);

const first = { ...SAMPLE_QUEUE_ENTRY, text: "then run the tests" };
const second = {
  ...SAMPLE_QUEUE_ENTRY,
  id: QueueEntryIdSchema.parse("1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"),
  text: "and commit",
  by: "web" as const,
};

function renderQueue(paused = false) {
  const handlers = { onEdit: vi.fn(), onCancel: vi.fn(), onResume: vi.fn() };
  render(<QueuedMessages queue={[first, second]} paused={paused} {...handlers} />);
  return handlers;
}

describe("QueuedMessages", () => {
  it("lists the queue; edits with Enter, keeps with Escape, cancels one", () => {
    const { onEdit, onCancel } = renderQueue();
    expect(screen.getByRole("region", { name: "Queued messages" }).textContent).toContain("each runs when the turn before it ends");
    expect(screen.getByText("then run the tests")).toBeTruthy();
    expect(screen.getByText("and commit")).toBeTruthy();

    fireEvent.click(screen.getAllByRole("button", { name: "Edit" })[1]!);
    const box = screen.getByRole("textbox", { name: "Edit queued message" });
    fireEvent.change(box, { target: { value: "and push" } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onEdit).toHaveBeenCalledWith(second.id, "and push");

    fireEvent.click(screen.getAllByRole("button", { name: "Edit" })[0]!);
    fireEvent.keyDown(screen.getByRole("textbox", { name: "Edit queued message" }), { key: "Escape" });
    expect(onEdit).toHaveBeenCalledTimes(1);

    fireEvent.click(screen.getByRole("button", { name: "Cancel queued message: then run the tests" }));
    expect(onCancel).toHaveBeenCalledWith(first.id);
  });

  it("offers to run a paused queue", () => {
    const { onResume } = renderQueue(true);
    fireEvent.click(screen.getByRole("button", { name: "Run the queue" }));
    expect(onResume).toHaveBeenCalled();
  });

  it("shows nothing when nothing waits", () => {
    render(<QueuedMessages queue={[]} paused={false} onEdit={vi.fn()} onCancel={vi.fn()} onResume={vi.fn()} />);
    expect(screen.queryByRole("region", { name: "Queued messages" })).toBeNull();
  });
});
