// Proves: the session list shows each session's model, who is watching, its activity and cost,
// and an empty state when there is nothing to show.
import type { Session } from "@maestro/protocol";
import { SAMPLE_SESSION } from "@maestro/protocol/testing";
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { SessionList } from "./SessionList.tsx";

afterEach(cleanup);

const session: Session = { ...SAMPLE_SESSION, activity: "waiting_approval", cost_usd: 1.5, presence: { total: 3, web: 2, tui: 1, api: 0 } };

describe("SessionList", () => {
  it("shows model, watchers, activity and cost for each session", () => {
    render(<SessionList sessions={[session]} />);
    const row = screen.getByRole("row", { name: /Refactor the parser/ });
    expect(within(row).getByText("claude-sonnet-4-5")).toBeTruthy();
    expect(within(row).getByText("2 web, 1 tui")).toBeTruthy();
    expect(within(row).getByText("waiting for approval")).toBeTruthy();
    expect(within(row).getByText("$1.50")).toBeTruthy();
  });

  it("shows a dash when nobody watches", () => {
    render(<SessionList sessions={[{ ...session, presence: { total: 0, web: 0, tui: 0, api: 0 } }]} />);
    expect(screen.getByRole("row", { name: /Refactor the parser/ }).textContent).toContain("—");
  });

  it("explains an empty list, and an empty filter result differently", () => {
    render(<SessionList sessions={[]} />);
    expect(screen.getByText(/No sessions yet/)).toBeTruthy();
    cleanup();
    render(<SessionList sessions={[]} filter="parser" />);
    expect(screen.getByText("No session title contains “parser”.")).toBeTruthy();
  });
});
