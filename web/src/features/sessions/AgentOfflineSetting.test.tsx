// Proves: a session's "when the local agent is offline" setting shows what the session has and
// sends only what changed (minutes become milliseconds), and refuses a wait out of range.
import { SAMPLE_SESSION } from "@maestro/protocol/testing";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AgentOfflineSetting } from "./AgentOfflineSetting.tsx";

afterEach(cleanup);

describe("AgentOfflineSetting", () => {
  it("sets a session to wait for its agent, for a number of minutes", () => {
    const configure = vi.fn(() => true);
    const onMessage = vi.fn();
    render(<AgentOfflineSetting session={SAMPLE_SESSION} configure={configure} onMessage={onMessage} />);
    const mode = screen.getByRole<HTMLSelectElement>("combobox", { name: "Tool calls" });
    const minutes = screen.getByRole<HTMLInputElement>("spinbutton", { name: "Wait at most (minutes)" });
    expect(mode.value).toBe("fail");
    expect(minutes.value).toBe("10");
    fireEvent.change(mode, { target: { value: "wait" } });
    fireEvent.change(minutes, { target: { value: "30" } });
    fireEvent.click(screen.getByRole("button", { name: "Set offline behaviour" }));
    expect(configure).toHaveBeenCalledWith({ agent_offline: "wait", agent_offline_grace_ms: 1_800_000 });
    expect(onMessage).toHaveBeenLastCalledWith("Saved.");
  });

  it("refuses a wait out of range and sends nothing", () => {
    const configure = vi.fn(() => true);
    const onMessage = vi.fn();
    render(<AgentOfflineSetting session={SAMPLE_SESSION} configure={configure} onMessage={onMessage} />);
    fireEvent.change(screen.getByRole("spinbutton", { name: "Wait at most (minutes)" }), { target: { value: "5000" } });
    fireEvent.click(screen.getByRole("button", { name: "Set offline behaviour" }));
    expect(configure).not.toHaveBeenCalled();
    expect(onMessage).toHaveBeenLastCalledWith(expect.stringContaining("between 1 second and 1440 minutes"));
  });
});
