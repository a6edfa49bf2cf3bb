// Proves: the session page follows new output while the reader is at the bottom, stops when
// they scroll up (and offers to jump back), follows again after the jump, and does not move a
// page that opened on a search hit. jsdom lays nothing out, so the page's size is set by hand.
import { act, cleanup, render, screen, fireEvent } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useFollowOutput } from "./use-follow-output.ts";

let pageHeight = 2000;
const scrollTo = vi.fn((options: ScrollToOptions) => setScrollY(options.top ?? 0));

function setScrollY(y: number) {
  const top = Math.max(0, Math.min(y, pageHeight - window.innerHeight));
  Object.defineProperty(window, "scrollY", { configurable: true, value: top });
}

function userScrollsTo(y: number) {
  setScrollY(y);
  act(() => void window.dispatchEvent(new Event("scroll")));
}

function Page({ output, startFollowing = true }: { output: number; startFollowing?: boolean }) {
  const { following, jumpToLatest } = useFollowOutput(output, startFollowing);
  return (
    <>
      <p>output {output}</p>
      {!following && (
        <button type="button" onClick={jumpToLatest}>
          Jump to latest
        </button>
      )}
    </>
  );
}

beforeEach(() => {
  pageHeight = 2000;
  Object.defineProperty(window, "innerHeight", { configurable: true, value: 800 });
  Object.defineProperty(document.documentElement, "scrollHeight", { configurable: true, get: () => pageHeight });
  setScrollY(0);
  scrollTo.mockClear();
  window.scrollTo = scrollTo as unknown as typeof window.scrollTo;
});
afterEach(cleanup);

describe("useFollowOutput", () => {
  it("opens at the end and follows output that arrives while the reader is at the bottom", () => {
    const { rerender } = render(<Page output={1} />);
    expect(window.scrollY).toBe(1200);
    pageHeight = 2600;
    rerender(<Page output={2} />);
    expect(window.scrollY).toBe(1800);
    expect(screen.queryByRole("button", { name: "Jump to latest" })).toBeNull();
  });

  it("stops following when the reader scrolls up, and the jump follows again", () => {
    const { rerender } = render(<Page output={1} />);
    userScrollsTo(300);
    pageHeight = 2600;
    rerender(<Page output={2} />);
    expect(window.scrollY).toBe(300);
    fireEvent.click(screen.getByRole("button", { name: "Jump to latest" }));
    expect(window.scrollY).toBe(1800);
    pageHeight = 3000;
    rerender(<Page output={3} />);
    expect(window.scrollY).toBe(2200);
    expect(screen.queryByRole("button", { name: "Jump to latest" })).toBeNull();
  });

  it("follows again once the reader scrolls back down to the end themselves", () => {
    const { rerender } = render(<Page output={1} />);
    userScrollsTo(0);
    userScrollsTo(1190);
    pageHeight = 2400;
    rerender(<Page output={2} />);
    expect(window.scrollY).toBe(1600);
  });

  it("leaves a page opened at a search hit where it is", () => {
    const { rerender } = render(<Page output={1} startFollowing={false} />);
    expect(scrollTo).not.toHaveBeenCalled();
    rerender(<Page output={2} startFollowing={false} />);
    expect(scrollTo).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Jump to latest" })).toBeTruthy();
  });
});
