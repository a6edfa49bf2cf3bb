// Proves: the credentials panel shows each credential's hint and health (never a secret), tests
// one against its provider on request, adds an API key and shows it, and labels the ChatGPT
// login as unofficial; a ChatGPT credential that needs a new login signs in again for that same
// credential, with a pasted address or a device code; a change the feed announces (a refresh that
// failed) shows without a reload.
import type { Credential, CredentialId, RestClient } from "@maestro/protocol";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { SAMPLE_CREDENTIAL } from "@maestro/protocol/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CredentialsPanel as Panel } from "./CredentialsPanel.tsx";

/** The panel, following a feed that says nothing unless a test makes it. */
const quiet = () => () => undefined;
function CredentialsPanel({ client }: { readonly client: RestClient }) {
  return <Panel client={client} follow={quiet} />;
}

afterEach(cleanup);

const base: Credential = SAMPLE_CREDENTIAL;

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
  const relogged = (credentialId: string) => {
    const index = stored.findIndex((each) => each.id === credentialId);
    const updated = { ...stored[index], needs_reauth: false } as Credential;
    stored[index] = updated;
    return updated;
  };
  const oauth = {
    startCodex: vi.fn(async () => ({
      authorize_url: "https://auth.openai.com/oauth/authorize?state=s1",
      state: "s1",
      redirect_uri: "http://localhost:1455/auth/callback",
      expires_at: "2026-11-25T05:00:00.000Z",
      unofficial: true,
    })),
    finishCodex: vi.fn(async () => relogged(CHATGPT.id)),
    startCodexDevice: vi.fn(async () => ({
      state: "d1",
      user_code: "ABCD-1234",
      verification_uri: "https://auth.openai.com/codex/device",
      interval_seconds: 1,
      expires_at: "2026-11-25T05:00:00.000Z",
      unofficial: true,
    })),
    pollCodexDevice: vi
      .fn()
      .mockResolvedValueOnce({ status: "pending" })
      .mockImplementation(async () => relogged(CHATGPT.id)),
  };
  const client = {
    credentials: { list: async () => ({ data: [...stored] }), create, test, delete: vi.fn() },
    oauth,
  } as unknown as RestClient;
  return { client, create, test, oauth, stored };
}

const CHATGPT: Credential = {
  ...base,
  id: "5a1e7b4a-8c2d-4e6f-9a1b-2c3d4e5f6a7b" as never,
  label: "chatgpt",
  provider: "codex",
  auth_type: "oauth",
  needs_reauth: true,
};

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

  it("signs in again for a ChatGPT credential that needs it, with a pasted address", async () => {
    const { client, oauth } = fakeClient([CHATGPT]);
    render(<CredentialsPanel client={client} />);
    const row = await screen.findByRole("row", { name: /chatgpt/ });
    fireEvent.click(within(row).getByRole("button", { name: "Sign in again" }));
    const login = screen.getByLabelText("ChatGPT login");
    expect(within(login).getByRole("heading").textContent).toContain("Sign in again: chatgpt");
    fireEvent.click(within(login).getByRole("button", { name: "Open the sign-in page" }));
    await within(login).findByRole("link", { name: "Open the ChatGPT sign-in page" });
    expect(oauth.startCodex).toHaveBeenCalledWith({ credential_id: CHATGPT.id });
    fireEvent.change(within(login).getByLabelText(/Paste the address/), {
      target: { value: "http://localhost:1455/auth/callback?code=c1&state=s1" },
    });
    fireEvent.click(within(login).getByRole("button", { name: "Finish sign-in" }));
    await within(login).findByText("Signed in: “chatgpt”.");
    expect(oauth.finishCodex).toHaveBeenCalledWith({ state: "s1", code: "http://localhost:1455/auth/callback?code=c1&state=s1" });
    await waitFor(() => expect(screen.getByRole("row", { name: /chatgpt/ }).textContent).not.toContain("needs a new login"));
    expect(within(screen.getByLabelText("ChatGPT login")).getByRole("heading").textContent).toContain("ChatGPT subscription (Codex)");
  });

  it("signs in again with a device code, finishing by itself once the code is approved", async () => {
    const { client, oauth } = fakeClient([CHATGPT]);
    render(<CredentialsPanel client={client} />);
    const row = await screen.findByRole("row", { name: /chatgpt/ });
    fireEvent.click(within(row).getByRole("button", { name: "Sign in again" }));
    const login = screen.getByLabelText("ChatGPT login");
    fireEvent.click(within(login).getByRole("button", { name: "Use a device code" }));
    expect((await within(login).findByLabelText("Device code")).textContent).toContain("ABCD-1234");
    expect(oauth.startCodexDevice).toHaveBeenCalledWith({ credential_id: CHATGPT.id });
    await within(login).findByText("Signed in: “chatgpt”.", undefined, { timeout: 4000 });
    expect(oauth.pollCodexDevice).toHaveBeenCalledTimes(2);
    await waitFor(() => expect(screen.getByRole("row", { name: /chatgpt/ }).textContent).not.toContain("needs a new login"));
  });

  it("shows a failed refresh pushed by the feed, without a reload", async () => {
    const { client, stored } = fakeClient([{ ...CHATGPT, needs_reauth: false, expires_at: "2026-11-25T05:00:00.000Z" }]);
    let announce: (credentialId: CredentialId) => void = () => undefined;
    const stopped = vi.fn();
    const { unmount } = render(
      <Panel
        client={client}
        follow={(onChange) => {
          announce = onChange;
          return stopped;
        }}
      />,
    );
    const row = await screen.findByRole("row", { name: /chatgpt/ });
    expect(row.textContent).not.toContain("error:");
    stored[0] = { ...CHATGPT, needs_reauth: false, last_error: "The sign-in server answered 500." };
    announce(CHATGPT.id);
    await waitFor(() =>
      expect(screen.getByRole("row", { name: /chatgpt/ }).textContent).toContain("error: The sign-in server answered 500."),
    );
    unmount();
    expect(stopped).toHaveBeenCalled();
  });
});
