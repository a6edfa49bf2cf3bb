// Proves: the agents page shows, for each agent, how its commands run as GET /agents reports it —
// under bubblewrap with the network off, not sandboxed at all (marked as a warning), or not
// reported by an agent that is offline — with the server's full summary as the tooltip; and a new
// agent's one-time token is shown in commands that keep it in a 0600 file, never on the agent's
// command line (which the agent refuses).
import type { Agent, CreatedAgent, RestClient } from "@maestro/protocol";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AgentsPanel } from "./AgentsPanel.tsx";
import { sandboxLabel } from "./sandbox-label.ts";

afterEach(cleanup);

const base: Agent = {
  id: "5a1e7b4a-8c2d-4e6f-9a1b-2c3d4e5f6a7b" as never,
  name: "laptop",
  roots: ["/home/me/code"],
  version: "0.1.0",
  connected: true,
  sandbox: null,
  last_seen_at: null,
  revoked_at: null,
  created_at: "2026-12-01T10:00:00.000Z",
};

const BWRAP_SUMMARY = "commands run under bwrap: roots writable, the rest read-only, secrets folders hidden, no network";

const agents: Agent[] = [
  { ...base, name: "laptop", sandbox: { commands: "bwrap", network: false, summary: BWRAP_SUMMARY } },
  {
    ...base,
    id: "6b1e7b4a-8c2d-4e6f-9a1b-2c3d4e5f6a7b" as never,
    name: "old-box",
    sandbox: { commands: "none", network: true, summary: "commands are not sandboxed" },
  },
  { ...base, id: "7c1e7b4a-8c2d-4e6f-9a1b-2c3d4e5f6a7b" as never, name: "asleep", connected: false, sandbox: null },
];

function fakeClient() {
  const created: CreatedAgent = {
    ...base,
    id: "8d1e7b4a-8c2d-4e6f-9a1b-2c3d4e5f6a7b" as never,
    name: "desk",
    token: "mae_agent_onetimeTOKEN1234567890",
  };
  return {
    agents: {
      list: vi.fn(async () => ({ data: agents, next_cursor: null })),
      create: vi.fn(async () => created),
      delete: vi.fn(),
    },
  } as unknown as RestClient;
}

describe("the agents page", () => {
  it("shows each agent's command sandbox as GET /agents reports it", async () => {
    render(<AgentsPanel client={fakeClient()} />);
    const laptop = await screen.findByRole("row", { name: /laptop/ });
    const sandboxed = within(laptop).getByText("commands sandboxed: bubblewrap, network off");
    expect(sandboxed.getAttribute("title")).toBe(BWRAP_SUMMARY);
    expect(sandboxed.className).not.toContain("warn-text");

    const unsandboxed = within(screen.getByRole("row", { name: /old-box/ })).getByText("commands are not sandboxed");
    expect(unsandboxed.className).toContain("warn-text");

    const asleep = screen.getByRole("row", { name: /asleep/ });
    expect(within(asleep).getByText("offline")).toBeTruthy();
    expect(within(asleep).getByText("not reported")).toBeTruthy();
    expect(screen.getByRole("columnheader", { name: "Commands" })).toBeTruthy();
  });

  it("shows a new agent's token once, in a 0600 file, never on the agent's command line", async () => {
    render(<AgentsPanel client={fakeClient()} />);
    await screen.findByRole("row", { name: /laptop/ });
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "desk" } });
    fireEvent.click(screen.getByRole("button", { name: "Create agent" }));
    const shown = (await screen.findByRole("status")).querySelector("pre")?.textContent ?? "";
    const [store, start] = shown.split("\n");
    expect(store).toBe(
      "mkdir -p ~/.config/maestro && (umask 077 && echo 'mae_agent_onetimeTOKEN1234567890' > ~/.config/maestro/agent-token)",
    );
    expect(start).toMatch(/^maestro-agent --url \S+ --root <your project>$/);
    expect(start).not.toContain("--token");
    expect(start).not.toContain("mae_agent_");
  });
});

describe("sandboxLabel", () => {
  it.each([
    [{ commands: "bwrap", network: true, summary: "" }, "commands sandboxed: bubblewrap, network on"],
    [{ commands: "sandbox-exec", network: false, summary: "" }, "commands sandboxed: sandbox-exec, network off"],
    [{ commands: "none", network: true, summary: "" }, "commands are not sandboxed"],
    [null, "not reported"],
  ] as const)("%j → %s", (sandbox, label) => {
    expect(sandboxLabel(sandbox)).toBe(label);
  });
});
