// Proves: the session list shows each session's model, who is watching, its activity and cost,
// and an empty state when there is nothing to show.
import { type Session, SessionSchema } from "@maestro/protocol";
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { SessionList } from "./SessionList.tsx";

afterEach(cleanup);

const session: Session = SessionSchema.parse({
  id: "0b7d5a3e-1c2f-4b8a-9e6d-3f2a1b0c9d8e",
  title: "Refactor the parser",
  provider: "anthropic",
  model: "claude-sonnet-4-5",
  credential_id: null,
  system_prompt: null,
  template_id: null,
  agent_id: null,
  working_directory: null,
  enabled_tools: null,
  enabled_mcp: null,
  approval_mode: "ask",
  status: "active",
  activity: "waiting_approval",
  usage: { input_tokens: 10, output_tokens: 20, cache_read_tokens: 0, cache_write_tokens: 0 },
  cost_usd: 1.5,
  presence: { total: 3, web: 2, tui: 1, api: 0 },
  created_at: "2026-11-24T19:00:00.000Z",
  updated_at: "2026-11-24T19:00:00.000Z",
  last_activity_at: "2026-11-24T19:00:00.000Z",
  archived_at: null,
});

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
