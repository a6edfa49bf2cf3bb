// Proves: typing tells the session someone is writing — once when it starts, then at most every
// PREPARE_EVERY_MS, never for blank text — so a session that slept reads what the turn needs
// before the message arrives; Enter still sends what was typed.
import { PREPARE_EVERY_MS } from "@maestro/protocol";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Composer } from "./Composer.tsx";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe("the composer", () => {
  it("says the user is writing when they start, then at most every few seconds", () => {
    vi.useFakeTimers();
    const onWriting = vi.fn();
    const onSend = vi.fn(() => true);
    render(<Composer busy={false} connected onSend={onSend} onCancel={() => undefined} onWriting={onWriting} />);
    const box = screen.getByRole("textbox", { name: "Message" });
    fireEvent.change(box, { target: { value: "   " } });
    expect(onWriting).not.toHaveBeenCalled();
    fireEvent.change(box, { target: { value: "H" } });
    fireEvent.change(box, { target: { value: "He" } });
    expect(onWriting).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(PREPARE_EVERY_MS - 1);
    fireEvent.change(box, { target: { value: "Hel" } });
    expect(onWriting).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    fireEvent.change(box, { target: { value: "Hell" } });
    expect(onWriting).toHaveBeenCalledTimes(2);
    fireEvent.keyDown(box, { key: "Enter" });
    expect(onSend).toHaveBeenCalledWith("Hell");
  });
});
