// Proves: the agents page asks again every few seconds, so an agent that stops or loses its
// network turns "offline" on the page without a reload.
import type { Agent, RestClient } from "@maestro/protocol";
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AGENTS_REFRESH_MS, AgentsPanel } from "./AgentsPanel.tsx";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const LAPTOP: Agent = {
  id: "6b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" as never,
  name: "laptop",
  roots: ["/home/dev/project"],
  version: "0.1.0",
  connected: true,
  sandbox: null,
  last_seen_at: "2026-12-05T01:00:00.000Z",
  revoked_at: null,
  created_at: "2026-12-05T00:00:00.000Z",
};

describe("AgentsPanel", () => {
  it("shows an agent going offline without a reload", async () => {
    vi.useFakeTimers();
    let connected = true;
    const list = vi.fn(async () => ({ data: [{ ...LAPTOP, connected }] }));
    render(<AgentsPanel client={{ agents: { list } } as unknown as RestClient} />);
    await act(async () => vi.advanceTimersByTimeAsync(0));
    expect(screen.getByRole("row", { name: /laptop/ }).textContent).toContain("connected");
    connected = false;
    await act(async () => vi.advanceTimersByTimeAsync(AGENTS_REFRESH_MS));
    expect(screen.getByRole("row", { name: /laptop/ }).textContent).toContain("offline");
    expect(list).toHaveBeenCalledTimes(2);
  });
});
