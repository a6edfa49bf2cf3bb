// Proves: the session settings list the live local agents with whether each is connected, tick
// the ones the session binds, and apply the ticked names in the order they were ticked (none:
// the most recently seen connected agent); revoked agents are not offered.
import { type Agent, AgentSchema } from "@maestro/protocol";
import { SAMPLE_SESSION, SAMPLE_TIME } from "@maestro/protocol/testing";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MachinePicker } from "./MachinePicker.tsx";

afterEach(cleanup);

const agent = (id: number, name: string, connected: boolean, revoked = false): Agent =>
  AgentSchema.parse({
    id: `6a2f8f2e-0d7e-4a49-9a53-6f0c6d2b000${id}`,
    name,
    roots: [],
    version: null,
    connected,
    sandbox: null,
    last_seen_at: null,
    revoked_at: revoked ? SAMPLE_TIME : null,
    created_at: SAMPLE_TIME,
  });

const AGENTS = [agent(1, "laptop", true), agent(2, "ci box", false), agent(3, "old", false, true)];

describe("MachinePicker", () => {
  it("ticks the bound agents and applies the ticked names in order", () => {
    const configure = vi.fn(() => true);
    const onMessage = vi.fn();
    render(
      <MachinePicker session={{ ...SAMPLE_SESSION, agents: ["laptop"] }} agents={AGENTS} configure={configure} onMessage={onMessage} />,
    );
    const laptop = screen.getByRole("checkbox", { name: /laptop/ });
    const ci = screen.getByRole("checkbox", { name: /ci box/ });
    expect((laptop as HTMLInputElement).checked).toBe(true);
    expect((ci as HTMLInputElement).checked).toBe(false);
    expect(screen.queryByRole("checkbox", { name: /old/ })).toBeNull();
    expect(laptop.parentElement?.textContent).toContain("connected");
    expect(ci.parentElement?.textContent).toContain("offline");

    fireEvent.click(ci);
    expect(screen.getByText("The model picks one of laptop, ci box for each call.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Save machines" }));
    expect(configure).toHaveBeenLastCalledWith({ agents: ["laptop", "ci box"] });
    expect(onMessage).toHaveBeenLastCalledWith("Saved.");

    fireEvent.click(laptop);
    fireEvent.click(ci);
    fireEvent.click(screen.getByRole("button", { name: "Save machines" }));
    expect(configure).toHaveBeenLastCalledWith({ agents: [] });
  });
});
