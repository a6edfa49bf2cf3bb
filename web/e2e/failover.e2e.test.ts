// Proves, in a real browser against `npm run dev -- --demo`: a session whose model fails for good
// in the middle of a tool loop carries on with its fallback. The session is made from the API with
// the demo's "overloaded mid tool loop" Anthropic (it thinks, calls read_file on the demo's local
// agent, then answers 529 to every request that carries the result) and the demo OpenAI as its
// fallback; the page shows the tool's result, "Failed over from anthropic/… to openai/…: …" where
// it happened, and under each answer the model that wrote it; the stored answers say the same.
// The session's settings list its fallbacks and add one. Screenshots: 20-failover, 21-fallbacks.
import { type Credential, type Message, type Session, createRestClient } from "@maestro/protocol";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";
import { DESKTOP, SCREENSHOTS, launchChromium } from "./chromium.ts";

let server: DevServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

function byLabel(credentials: readonly Credential[], label: string): Credential {
  const found = credentials.find((credential) => credential.label === label);
  if (found === undefined) throw new Error(`no demo credential "${label}"`);
  return found;
}

describe("failover in the web UI", () => {
  it("shows a turn that fails over from an overloaded simulator to a working one mid tool loop", async () => {
    const api = createRestClient({ baseUrl: server.origin, token: server.token });
    const { data: credentials } = await api.credentials.list();
    const overloaded = byLabel(credentials, "Failover demo (simulated): anthropic, overloaded mid tool loop");
    const openai = byLabel(credentials, "Demo (simulated, no real model): openai");
    const session: Session = await api.sessions.create({
      title: "Browser failover",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      credential_id: overloaded.id,
      approval_mode: "ask",
      fallbacks: [{ provider: "openai", model: "gpt-4.1", credential_id: openai.id }],
    });
    expect(session.fallbacks).toHaveLength(1);

    const context = await browser.newContext(DESKTOP);
    try {
      const page = await context.newPage();
      await page.goto(server.origin);
      await page.getByLabel("API token").fill(server.token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Sessions" }).waitFor();
      await page.goto(`${server.origin}/#/sessions/${session.id}`);
      await page.getByRole("heading", { name: "Browser failover" }).waitFor();
      await page.getByRole("status", { name: "Connection" }).filter({ hasText: "live" }).waitFor();

      // read_file is a read: it runs on the demo's local agent without asking.
      await page.getByLabel("Message").fill("read README.md");
      await page.getByLabel("Message").press("Enter");
      const card = page.getByRole("region", { name: "Tool call read_file" });
      await card.getByLabel("Result").filter({ hasText: "The Maestro" }).waitFor({ timeout: 30_000 });
      // Four overloaded answers (retries spent, with backoff), then the fallback takes the turn.
      const notice = page.getByRole("note", { name: "Failover" });
      await notice.filter({ hasText: "Failed over from anthropic/claude-sonnet-4-5 to openai/gpt-4.1" }).waitFor({ timeout: 30_000 });
      await expect(notice.textContent()).resolves.toMatch(/Anthropic answered HTTP 529/);
      await page.getByText("The tool answered:").waitFor({ timeout: 30_000 });
      await page.getByRole("button", { name: "Send" }).waitFor();
      // Each answer says which model wrote it.
      await page.locator("footer .answered-by").filter({ hasText: "anthropic/claude-sonnet-4-5" }).waitFor();
      await page.locator("footer .answered-by").filter({ hasText: "openai/gpt-4.1" }).waitFor();
      await expect(page.getByRole("alert").count()).resolves.toBe(0);
      await page.screenshot({ path: `${SCREENSHOTS}20-failover.png`, fullPage: true });

      // The fallbacks in the session's settings: listed, and one more added from the page.
      await page.getByText("Session settings", { exact: true }).click();
      const fallbacks = page.getByRole("group", { name: "Fallback models" });
      await fallbacks.getByText("openai/gpt-4.1").waitFor();
      await fallbacks.getByLabel("Fallback via").selectOption({ label: "Demo (simulated, no real model): gemini" });
      await fallbacks.getByLabel("Fallback model").fill("gemini-2.5-pro");
      await fallbacks.getByRole("button", { name: "Add fallback" }).click();
      await fallbacks.getByText("gemini/gemini-2.5-pro").waitFor();
      await page.screenshot({ path: `${SCREENSHOTS}21-fallbacks.png`, fullPage: true });
    } finally {
      await context.close();
    }

    // The stored answers: the tool call by the primary, the answer by the fallback, each with its credential.
    const { data: page } = await api.messages.list(session.id, { limit: 50 });
    const answers = page.filter((message: Message) => message.role === "assistant").reverse();
    expect(answers.map((message) => [message.provider, message.model, message.credential_id, message.status])).toEqual([
      ["anthropic", "claude-sonnet-4-5", overloaded.id, "complete"],
      ["openai", "gpt-4.1", openai.id, "complete"],
    ]);
    expect(answers[1]?.cost_usd).toBeGreaterThan(0);
    expect((await api.sessions.get(session.id)).fallbacks.map((fallback) => `${fallback.provider}/${fallback.model}`)).toEqual([
      "openai/gpt-4.1",
      "gemini/gemini-2.5-pro",
    ]);
  });
});
