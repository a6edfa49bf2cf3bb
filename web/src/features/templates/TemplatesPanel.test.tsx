// Proves: a template can say that its sessions' tool calls wait for an offline local agent.
import type { Credential, RestClient } from "@maestro/protocol";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { SAMPLE_CREDENTIAL } from "@maestro/protocol/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TemplatesPanel } from "./TemplatesPanel.tsx";

afterEach(cleanup);

const KEY: Credential = SAMPLE_CREDENTIAL;

describe("TemplatesPanel", () => {
  it("creates a template whose sessions wait for an offline agent", async () => {
    const create = vi.fn(async () => ({}));
    const client = {
      credentials: { list: async () => ({ data: [KEY] }) },
      templates: { list: async () => ({ data: [] }), create },
    } as unknown as RestClient;
    render(<TemplatesPanel client={client} />);
    const form = await screen.findByRole("form", { name: "New template" });
    await waitFor(() => expect(screen.getByRole("option", { name: "work (anthropic)" })).toBeTruthy());
    fireEvent.change(screen.getByRole("textbox", { name: "Name" }), { target: { value: "laptop work" } });
    fireEvent.change(screen.getByRole("combobox", { name: "When the local agent is offline" }), { target: { value: "wait" } });
    fireEvent.submit(form);
    await waitFor(() => expect(create).toHaveBeenCalledWith(expect.objectContaining({ name: "laptop work", agent_offline: "wait" })));
  });
});
