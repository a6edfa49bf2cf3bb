// Proves: the new-session form suggests the catalog's models for the chosen credential's provider,
// says the prefilled model's window and price, and starts a session with a model id the catalog
// does not know (an OpenAI-compatible server's own).
import type { Credential, Model, RestClient } from "@maestro/protocol";
import { SAMPLE_MODEL, SAMPLE_SESSION } from "@maestro/protocol/testing";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NewSessionForm } from "./NewSessionForm.tsx";

afterEach(cleanup);

const OLLAMA: Credential = {
  id: "3f1e7b4a-8c2d-4e6f-9a1b-2c3d4e5f6a7b" as never,
  provider: "openai",
  auth_type: "api_key",
  label: "ollama",
  hint: "…a1b2",
  base_url: "http://127.0.0.1:11434/v1",
  context_window: 32_768,
  is_enabled: true,
  expires_at: null,
  needs_reauth: false,
  last_error: null,
  last_used_at: null,
  created_at: "2026-11-24T19:00:00.000Z",
  updated_at: "2026-11-24T19:00:00.000Z",
};

const GPT_41: Model = {
  ...SAMPLE_MODEL,
  provider: "openai",
  id: "gpt-4.1",
  name: "GPT-4.1",
  context_window: 1_047_576,
  max_output_tokens: 32_768,
  prices: { input: 2, output: 8, cache_read: 0.5, cache_write: 0 },
};

function fakeClient() {
  const create = vi.fn(async () => SAMPLE_SESSION);
  const client = {
    credentials: { list: async () => ({ data: [OLLAMA] }) },
    templates: { list: async () => ({ data: [] }) },
    models: { list: async () => ({ data: [SAMPLE_MODEL, GPT_41] }) },
    sessions: { create },
  } as unknown as RestClient;
  return { client, create };
}

describe("NewSessionForm", () => {
  it("suggests the provider's catalog models and takes any other id", async () => {
    const { client, create } = fakeClient();
    render(<NewSessionForm client={client} onCreated={() => undefined} />);
    await waitFor(() => expect(screen.getByRole("note").textContent).toContain("1.05M context · 32.8k out · $2 in / $8 out per M"));
    expect([...document.querySelectorAll("datalist option")].map((option) => option.getAttribute("value"))).toEqual(["gpt-4.1"]);
    fireEvent.change(screen.getByRole("combobox", { name: "Model" }), { target: { value: "qwen2.5-coder:32b" } });
    expect(screen.getByRole("note").textContent).toMatch(/Not in the catalog/);
    fireEvent.click(screen.getByRole("button", { name: "Create session" }));
    await waitFor(() => expect(create).toHaveBeenCalled());
    expect(create).toHaveBeenCalledWith(
      expect.objectContaining({ provider: "openai", model: "qwen2.5-coder:32b", credential_id: OLLAMA.id }),
    );
  });
});
