// Proves: the credentials panel shows each credential's hint and health (never a secret), tests
// one against its provider on request, adds an API key and shows it, and labels the ChatGPT
// login as unofficial.
import type { Credential, RestClient } from "@maestro/protocol";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CredentialsPanel } from "./CredentialsPanel.tsx";

afterEach(cleanup);

const base: Credential = {
  id: "3f1e7b4a-8c2d-4e6f-9a1b-2c3d4e5f6a7b" as never,
  provider: "anthropic",
  auth_type: "api_key",
  label: "work",
  hint: "…a1b2",
  base_url: null,
  is_enabled: true,
  expires_at: null,
  needs_reauth: false,
  last_error: null,
  last_used_at: null,
  created_at: "2026-11-24T19:00:00.000Z",
  updated_at: "2026-11-24T19:00:00.000Z",
};

function fakeClient(initial: Credential[]) {
  const stored = [...initial];
  const create = vi.fn(async (body: { label: string; provider: Credential["provider"]; api_key: string }) => {
    const credential = {
      ...base,
      id: "9e1e7b4a-8c2d-4e6f-9a1b-2c3d4e5f6a7b" as never,
      label: body.label,
      provider: body.provider,
      hint: `…${body.api_key.slice(-4)}`,
    };
    stored.push(credential);
    return credential;
  });
  const test = vi.fn(async () => ({ ok: true, latency_ms: 42, message: "anthropic answered (claude-haiku-4-5)." }));
  const client = {
    credentials: { list: async () => ({ data: [...stored] }), create, test, delete: vi.fn() },
    oauth: {},
  } as unknown as RestClient;
  return { client, create, test };
}

describe("CredentialsPanel", () => {
  it("shows hints and health, never secrets, and tests a credential on request", async () => {
    const { client, test } = fakeClient([
      base,
      {
        ...base,
        id: "5a1e7b4a-8c2d-4e6f-9a1b-2c3d4e5f6a7b" as never,
        label: "chatgpt",
        provider: "codex",
        auth_type: "oauth",
        needs_reauth: true,
      },
    ]);
    render(<CredentialsPanel client={client} />);
    const row = await screen.findByRole("row", { name: /work/ });
    expect(within(row).getByText("…a1b2")).toBeTruthy();
    expect(screen.getByRole("row", { name: /chatgpt/ }).textContent).toContain("needs a new login");
    fireEvent.click(within(row).getByRole("button", { name: "Test" }));
    await waitFor(() => expect(within(row).getByRole("status").textContent).toBe("anthropic answered (claude-haiku-4-5). (42 ms)"));
    expect(test).toHaveBeenCalledWith(base.id);
    expect(screen.getByText("unofficial")).toBeTruthy();
  });

  it("adds an API key, clears the field, and lists the new credential by its hint", async () => {
    const { client, create } = fakeClient([]);
    render(<CredentialsPanel client={client} />);
    await screen.findByText(/No credentials yet/);
    const form = screen.getByRole("form", { name: "Add an API key" });
    fireEvent.change(within(form).getByLabelText("Label"), { target: { value: "personal" } });
    fireEvent.change(within(form).getByLabelText("API key"), { target: { value: "sk-ant-secret-9z9z" } });
    fireEvent.click(within(form).getByRole("button", { name: "Add key" }));
    const row = await screen.findByRole("row", { name: /personal/ });
    expect(create).toHaveBeenCalledWith({ provider: "anthropic", auth_type: "api_key", label: "personal", api_key: "sk-ant-secret-9z9z" });
    expect(within(row).getByText("…9z9z")).toBeTruthy();
    expect(document.body.textContent).not.toContain("sk-ant-secret-9z9z");
    expect(within(form).getByLabelText("API key")).toHaveProperty("value", "");
  });
});
