// Proves (issue 14 §7), in a real browser against `npm run dev -- --demo`, whose tools run on a
// real maestro-agent through the tunnel: a session's question shows up in the Approvals inbox (and
// as a count on the nav entry) without a reload; "always allow … here" answered from the inbox
// creates a rule and resumes the turn, whose command runs on the agent; the next call runs without
// a question and its card says which rule allowed it; a deny rule added in the rules section wins
// over that allow and the card says it was denied by rule.
import { type RestClient, type SessionId, createRestClient } from "@maestro/protocol";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";
import { DESKTOP, SCREENSHOTS, launchChromium } from "./chromium.ts";

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let api: RestClient;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

beforeAll(async () => {
  server = await startDevServer();
  api = createRestClient({ baseUrl: server.origin, token: server.token });
  browser = await launchChromium();
  context = await browser.newContext(DESKTOP);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function demoSession(): Promise<SessionId> {
  const credential = (await api.credentials.list()).data.find((each) => each.provider === "anthropic" && each.label.startsWith("Demo"));
  if (credential === undefined) throw new Error("the demo has no anthropic credential");
  const session = await api.sessions.create({
    title: "Approvals e2e",
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    credential_id: credential.id,
    approval_mode: "ask",
  });
  return session.id;
}

describe("the approval inbox", () => {
  it("answers a question from the inbox with 'always allow', and rules decide the next calls", async () => {
    const sessionId = await demoSession();
    const page = await context.newPage();
    await page.goto(server.origin);
    await page.getByLabel("API token").fill(server.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Sessions" }).waitFor();
    await page.getByRole("link", { name: "Approvals", exact: true }).waitFor();

    const inbox = await context.newPage();
    await inbox.goto(`${server.origin}/#/approvals`);
    await inbox.getByText("Nothing is waiting for your approval.").waitFor();

    const session = await context.newPage();
    await session.goto(`${server.origin}/#/sessions/${sessionId}`);
    await session.getByRole("status", { name: "Connection" }).filter({ hasText: "live" }).waitFor();
    await session.getByLabel("Message").fill("run a command");
    await session.getByLabel("Message").press("Enter");
    await session.getByRole("group", { name: "Approve run_shell_command?" }).waitFor();

    // Pushed to the inbox and to the nav's count, no reload.
    const item = inbox.getByRole("listitem", { name: "run_shell_command in Approvals e2e" });
    await item.waitFor({ timeout: 5000 });
    await expect(item.textContent()).resolves.toContain("ls -la");
    await page.getByRole("link", { name: "Approvals (1 waiting)" }).waitFor({ timeout: 5000 });
    await shot(inbox, "approvals-01-inbox");

    await item.getByRole("button", { name: "Always allow run_shell_command here" }).click();
    const cards = session.getByRole("region", { name: "Tool call run_shell_command" });
    // Approved from the inbox: the command ran on the demo's maestro-agent.
    await cards.first().getByLabel("Result").filter({ hasText: "[exit code 0]" }).waitFor({ timeout: 10_000 });
    await inbox.getByText("Nothing is waiting for your approval.").waitFor({ timeout: 5000 });
    await page.getByRole("link", { name: "Approvals", exact: true }).waitFor({ timeout: 5000 });
    const allowRow = inbox.getByRole("row", { name: "Rule allow run_shell_command" });
    await allowRow.waitFor();
    await expect(allowRow.textContent()).resolves.toContain("this session");
    const [allowRule] = (await api.approvalRules.list({ session_id: sessionId })).data.filter((rule) => rule.session_id === sessionId);
    expect(allowRule).toMatchObject({ effect: "allow", tool: "run_shell_command", match: null });

    // The rule answers the next call: no question, and the card names the rule.
    await session.getByRole("button", { name: "Send" }).waitFor();
    await session.getByLabel("Message").fill("run a command");
    await session.getByLabel("Message").press("Enter");
    await expect.poll(() => cards.getByLabel("Result").filter({ hasText: "[exit code 0]" }).count(), { timeout: 10_000 }).toBe(2);
    await expect(cards.nth(1).textContent()).resolves.toContain(`Allowed by rule ${allowRule?.id.slice(0, 8)}`);
    await expect(session.getByRole("group", { name: "Approve run_shell_command?" }).count()).resolves.toBe(0);

    // A deny rule, added in the rules section, wins over the allow.
    const form = inbox.getByRole("form", { name: "New rule" });
    await form.getByLabel("Effect").selectOption("deny");
    await form.getByLabel("Tool").fill("run_shell_command");
    await form.getByLabel("Only where").selectOption("command");
    await form.getByLabel("Pattern").fill("ls *");
    await form.getByLabel("Session id (empty: everywhere)").fill(sessionId);
    await form.getByLabel("Note").fill("no listings");
    await form.getByRole("button", { name: "Add rule" }).click();
    await inbox.getByRole("row", { name: "Rule deny run_shell_command" }).waitFor();
    await shot(inbox, "approvals-02-rules");

    await session.getByRole("button", { name: "Send" }).waitFor();
    await session.getByLabel("Message").fill("run a command");
    await session.getByLabel("Message").press("Enter");
    const denied = cards.nth(2);
    await denied.getByLabel("Error").filter({ hasText: "refused this call" }).waitFor({ timeout: 10_000 });
    await expect(denied.textContent()).resolves.toContain("Denied by rule");
    await expect(denied.textContent()).resolves.toContain("DENIED_BY_RULE");
    await shot(session, "approvals-03-session");

    const audit = (await api.toolExecutions.list(sessionId)).data;
    expect(audit.map((row) => row.decided_by_rule_id)).toEqual(
      expect.arrayContaining([allowRule?.id, expect.stringMatching(/^[0-9a-f-]{36}$/), null]),
    );
    for (const rule of (await api.approvalRules.list()).data) await api.approvalRules.delete(rule.id);
  });
});
