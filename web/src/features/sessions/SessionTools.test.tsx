// Proves: a session's tools are chosen in its settings — every tool enabled in Settings, or a
// ticked list — a tool off everywhere cannot be ticked, and saving sends exactly the list.
import type { Tool } from "@maestro/protocol";
import { SAMPLE_SESSION, SAMPLE_TIME } from "@maestro/protocol/testing";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SessionTools } from "./SessionTools.tsx";

afterEach(cleanup);

const tool = (name: string, is_enabled = true): Tool => ({
  id: crypto.randomUUID() as Tool["id"],
  name,
  description: `${name} does things`,
  kind: "read",
  source: "local",
  builtin: true,
  input_schema: { type: "object" },
  is_enabled,
  approval: "default",
  created_at: SAMPLE_TIME,
  updated_at: SAMPLE_TIME,
});
const TOOLS = [tool("read_file"), tool("grep"), tool("run_shell_command", false)];

describe("SessionTools", () => {
  it("narrows a session from every tool to a ticked list, and back", () => {
    const configure = vi.fn(() => true);
    const onMessage = vi.fn();
    const { rerender } = render(
      <SessionTools session={{ ...SAMPLE_SESSION, enabled_tools: null }} tools={TOOLS} configure={configure} onMessage={onMessage} />,
    );
    expect(screen.getByLabelText("Every tool enabled in Settings")).toHaveProperty("checked", true);
    expect(screen.getByRole("checkbox", { name: /read_file/ })).toHaveProperty("disabled", true);
    fireEvent.click(screen.getByLabelText("Only these:"));
    fireEvent.click(screen.getByRole("checkbox", { name: /grep/ }));
    fireEvent.click(screen.getByRole("button", { name: "Save tools" }));
    expect(configure).toHaveBeenLastCalledWith({ enabled_tools: ["read_file"] });
    expect(onMessage).toHaveBeenLastCalledWith("Saved.");

    rerender(
      <SessionTools
        session={{ ...SAMPLE_SESSION, enabled_tools: ["read_file"] }}
        tools={TOOLS}
        configure={configure}
        onMessage={onMessage}
      />,
    );
    fireEvent.click(screen.getByLabelText("Every tool enabled in Settings"));
    fireEvent.click(screen.getByRole("button", { name: "Save tools" }));
    expect(configure).toHaveBeenLastCalledWith({ enabled_tools: null });
  });

  it("shows a tool switched off in Settings as such, never tickable", () => {
    render(
      <SessionTools session={{ ...SAMPLE_SESSION, enabled_tools: ["read_file"] }} tools={TOOLS} configure={vi.fn()} onMessage={vi.fn()} />,
    );
    const off = screen.getByRole("checkbox", { name: /run_shell_command/ });
    expect(off).toHaveProperty("disabled", true);
    expect(off).toHaveProperty("checked", false);
    expect(screen.getByText("off in Settings")).toBeTruthy();
  });

  it("says so when nothing changed", () => {
    const configure = vi.fn(() => true);
    const onMessage = vi.fn();
    render(<SessionTools session={{ ...SAMPLE_SESSION, enabled_tools: null }} tools={TOOLS} configure={configure} onMessage={onMessage} />);
    fireEvent.click(screen.getByRole("button", { name: "Save tools" }));
    expect(configure).not.toHaveBeenCalled();
    expect(onMessage).toHaveBeenCalledWith("Nothing changed.");
  });
});
