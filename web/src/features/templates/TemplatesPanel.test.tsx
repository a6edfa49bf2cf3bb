// Proves: a template can say that its sessions' tool calls wait for an offline local agent.
import type { Credential, RestClient } from "@maestro/protocol";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TemplatesPanel } from "./TemplatesPanel.tsx";

afterEach(cleanup);

const KEY: Credential = {
  id: "3f1e7b4a-8c2d-4e6f-9a1b-2c3d4e5f6a7b" as never,
  provider: "anthropic",
  auth_type: "api_key",
  label: "work",
  hint: "…a1b2",
  base_url: null,
  context_window: null,
  is_enabled: true,
  expires_at: null,
  needs_reauth: false,
  last_error: null,
  last_used_at: null,
  created_at: "2026-11-24T19:00:00.000Z",
  updated_at: "2026-11-24T19:00:00.000Z",
};

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
