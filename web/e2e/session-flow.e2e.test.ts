// Proves, in a real browser against `npm run dev -- --demo`: a user signs in with the API token
// (and the token is not kept by the page), creates a session, sends a message, watches the
// model's tool call stream in, approves it — from a second page, which shows the same turn live —
// and both pages see the result, while a third page's session list follows along, pushed; a turn
// sent from the terminal client (`maestro send`) shows up live in both pages; the settings pages
// test a credential, change tools, create an agent token and show the demo's local agent connected. Every screen is saved under web/e2e/screenshots/.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";
import { DESKTOP, SCREENSHOTS, launchChromium } from "./chromium.ts";

const TUI = fileURLToPath(new URL("../../tui/", import.meta.url));
const MAESTRO = join(TUI, "dist", "maestro.mjs");
const run = promisify(execFile);

let server: DevServer;
let browser: Browser;
let context: BrowserContext;

/** `maestro send` (the terminal client, built by `npm install`) against the dev server; its stdout. */
async function maestroSend(sessionId: string, text: string): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), "maestro-web-e2e-tui-"));
  try {
    await mkdir(join(home, "maestro"), { recursive: true });
    await writeFile(join(home, "maestro", "config.json"), JSON.stringify({ url: server.origin, token: server.token }), { mode: 0o600 });
    const { stdout } = await run(process.execPath, [MAESTRO, "send", sessionId, text], { env: { ...process.env, XDG_CONFIG_HOME: home } });
    return stdout;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

beforeAll(async () => {
  // The terminal client as `npm install` leaves it (built again here so the run tests these sources).
  await run(process.execPath, ["--import", "tsx", join(TUI, "build.ts")], { cwd: TUI });
  server = await startDevServer();
  browser = await launchChromium();
  // Reduced motion: the usage charts are drawn at once, so their screenshot shows the finished bars.
  context = await browser.newContext(DESKTOP);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the web UI", () => {
  it("signs in, runs a demo session with a tool call approved from a second page, live in both", async () => {
    const page = await context.newPage();
    await page.goto(server.origin);
    await page.getByLabel("API token").waitFor();
    await shot(page, "01-sign-in");
    await page.getByLabel("API token").fill(server.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Sessions" }).waitFor();
    const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
    expect(stored).not.toContain(server.token);
    await page.getByRole("row", { name: /Demo session/ }).waitFor();
    await shot(page, "02-sessions");

    await page.getByRole("button", { name: "New session" }).click();
    const form = page.getByRole("form", { name: "New session" });
    await form.getByLabel("Credential").selectOption({ label: "Demo (simulated, no real model): anthropic" });
    await expect(form.getByLabel("Model", { exact: true }).inputValue()).resolves.toBe("claude-sonnet-4-5");
    await form.getByLabel("Title").fill("Browser e2e");
    await shot(page, "03-new-session");
    await form.getByRole("button", { name: "Create session" }).click();
    await page.getByRole("heading", { name: "Browser e2e" }).waitFor();
    await page.getByRole("status", { name: "Connection" }).filter({ hasText: "live" }).waitFor();
    await shot(page, "04-session");

    const watcher = await context.newPage();
    await watcher.goto(page.url());
    await watcher.getByRole("status", { name: "Connection" }).filter({ hasText: "live" }).waitFor();
    // A third page shows the session list; it is pushed (there is no polling), so every change
    // below shows up within moments.
    const list = await context.newPage();
    // Everything on the page that follows the session feed (the list, the approvals link) shares one socket.
    const feedSockets: string[] = [];
    list.on("websocket", (socket) => {
      if (socket.url().includes("/sessions/feed")) feedSockets.push(socket.url());
    });
    await list.goto(server.origin);
    const row = list.getByRole("row", { name: /Browser e2e/ });
    await row.getByText("2 web").waitFor({ timeout: 3000 });
    expect(feedSockets).toHaveLength(1);

    await page.getByLabel("Message").fill("run a command");
    await page.getByLabel("Message").press("Enter");
    const prompt = (on: Page) => on.getByRole("group", { name: "Approve run_shell_command?" });
    await prompt(page).waitFor();
    await prompt(watcher).waitFor();
    await shot(page, "05-approval");
    await row.getByText("waiting for approval").waitFor({ timeout: 3000 });
    await shot(list, "05b-sessions-live");
    await prompt(watcher).getByRole("button", { name: "Approve once" }).click();

    for (const each of [page, watcher]) {
      const card = each.getByRole("region", { name: "Tool call run_shell_command" });
      await card.getByLabel("Result").filter({ hasText: "[exit code 0]" }).waitFor();
      await expect(prompt(each).count()).resolves.toBe(0);
      await each.getByText("The tool answered:").waitFor();
    }
    await expect(page.getByRole("region", { name: "Tool call run_shell_command" }).textContent()).resolves.toContain("Approved from web");
    await shot(page, "06-result");
    await shot(watcher, "07-result-second-page");
    await row.getByText("idle").waitFor({ timeout: 3000 });
    expect(await row.getByRole("cell").last().textContent()).toMatch(/^\$0\.0*[1-9]/);

    // A second turn answered from the keyboard: the prompt takes the focus from the empty
    // composer, so `a` approves it.
    await page.getByLabel("Message").fill("run a command");
    await page.getByLabel("Message").press("Enter");
    await prompt(page).waitFor();
    await page.keyboard.press("a");
    await expect
      .poll(() => page.getByRole("region", { name: "Tool call run_shell_command" }).getByLabel("Result").count(), { timeout: 10_000 })
      .toBe(2);
    await page.getByText("Anything else you'd like me to try?").nth(1).waitFor(); // the turn is over
    await page.getByRole("button", { name: "Send" }).waitFor();

    // A turn started from the terminal client shows up live in both pages.
    const sessionId = new URL(page.url()).hash.split("/").at(-1) ?? "";
    const sent = await maestroSend(sessionId, "hello from the terminal");
    expect(sent).toContain("I'm **the demo model**");
    for (const each of [page, watcher]) await each.getByText("hello from the terminal").first().waitFor({ timeout: 5000 });
    for (const each of [page, watcher]) await each.getByText(/You said:/).waitFor({ timeout: 5000 });

    // Renamed from its settings: the second page and the list follow at once.
    await page.getByText("Session settings", { exact: true }).click();
    const settings = page.locator(".session-controls");
    await settings.getByLabel("Title").fill("Browser e2e renamed");
    await settings.getByRole("button", { name: "Apply" }).click();
    await settings.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await watcher.getByRole("heading", { name: "Browser e2e renamed" }).waitFor({ timeout: 5000 });
    await list.getByRole("row", { name: /Browser e2e renamed/ }).waitFor({ timeout: 5000 });
    await settings.getByRole("button", { name: "Save as template" }).click();
    await settings.getByRole("status").filter({ hasText: "Saved as the template “Browser e2e renamed”." }).waitFor();

    // The list filters by title.
    await list.getByPlaceholder("Filter by title").fill("renamed");
    await expect.poll(() => list.getByRole("row").count()).toBe(2); // the header and the one match
    await list.getByPlaceholder("Filter by title").fill("no such title");
    await list.getByText("No session title contains “no such title”.").waitFor();
    await list.getByPlaceholder("Filter by title").fill("");

    // The same session on a phone-sized screen: nothing hidden, nothing overflowing sideways.
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(page.url());
    await phone.getByRole("region", { name: "Tool call run_shell_command" }).first().waitFor();
    await phone.getByText("Anything else you'd like me to try?").nth(1).waitFor();
    await expect(phone.getByRole("region", { name: "Tool call run_shell_command" }).count()).resolves.toBe(2);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(phone, "07b-session-phone");

    // Archived: gone from the list, which follows without a reload.
    page.once("dialog", (dialog) => void dialog.accept());
    await settings.getByRole("button", { name: "Archive" }).click();
    await page.getByRole("heading", { name: "Sessions" }).waitFor();
    await list.getByRole("row", { name: /Browser e2e renamed/ }).waitFor({ state: "detached", timeout: 5000 });
  });

  it("manages credentials, tools, local agents, MCP servers, templates and usage; starts from a template, switches provider, cancels", async () => {
    const page = await context.newPage();
    await page.goto(`${server.origin}/#/settings/credentials`);
    const demo = page.getByRole("row", { name: /Demo \(simulated, no real model\): anthropic/ });
    await demo.getByRole("button", { name: "Test" }).click();
    await demo.getByRole("status").filter({ hasText: "anthropic answered" }).waitFor();
    await shot(page, "08-settings-credentials");

    // On a phone the settings tables keep their buttons (they scroll inside themselves).
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${server.origin}/#/settings/credentials`);
    await phone
      .getByRole("row", { name: /Demo \(simulated, no real model\): anthropic/ })
      .getByRole("button", { name: "Test" })
      .waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(phone, "08b-settings-credentials-phone");
    await phone.close();

    await page.getByRole("link", { name: "Tools" }).click();
    const grep = page.getByRole("checkbox", { name: "Enable grep" });
    await grep.waitFor();
    await grep.uncheck();
    await page.reload();
    await expect.poll(() => page.getByRole("checkbox", { name: "Enable grep" }).isChecked()).toBe(false);
    await page.getByRole("checkbox", { name: "Enable grep" }).check();
    await page.getByLabel("Approval for run_shell_command").selectOption("ask");
    await page.reload();
    await expect.poll(() => page.getByLabel("Approval for run_shell_command").inputValue()).toBe("ask");
    await expect(page.getByRole("checkbox", { name: "Enable grep" }).isChecked()).resolves.toBe(true);
    await page.getByLabel("Approval for run_shell_command").selectOption("default");
    await shot(page, "09-settings-tools");

    await page.getByRole("link", { name: "Local agents" }).click();
    // demo mode runs a maestro-agent for this machine
    const thisMachine = page.getByRole("row", { name: /This machine \(npm run dev\)/ });
    await thisMachine.getByText("connected").waitFor();
    // ...whose commands run under bubblewrap (CI installs it; the agent's tests require it on Linux).
    if (process.platform === "linux") await thisMachine.getByText("commands sandboxed: bubblewrap, network on").waitFor();
    // A new agent's token is shown once, with the commands that keep it in a 0600 file; it is gone on reload.
    const create = page.getByRole("form", { name: "Create a local agent" });
    await create.getByLabel("Name").fill("laptop");
    await create.getByRole("button", { name: "Create agent" }).click();
    const token = (await page.getByRole("status").locator("pre").textContent()) ?? "";
    expect(token).toMatch(/umask 077 && echo '\S{20,}' > ~\/\.config\/maestro\/agent-token\)\nmaestro-agent --url \S+ --root/);
    expect(token).not.toContain("--token");
    await page
      .getByRole("row", { name: /laptop/ })
      .getByText("offline")
      .waitFor();
    await shot(page, "10-settings-agents");
    await page.reload();
    await page.getByRole("row", { name: /laptop/ }).waitFor();
    await expect(page.getByRole("status").count()).resolves.toBe(0);

    await page.getByRole("link", { name: "MCP servers" }).click();
    await page.getByRole("form", { name: "Add an MCP server" }).waitFor();
    await shot(page, "11-settings-mcp");

    await page.getByRole("link", { name: "Templates" }).click();
    const form = page.getByRole("form", { name: "New template" });
    await form.getByLabel("Name").fill("Careful reviewer");
    await form.getByRole("button", { name: "Create template" }).click();
    await page.getByLabel("Template Careful reviewer").waitFor();
    // The one saved from a session in the first test is here too.
    await page.getByLabel("Template Browser e2e renamed").waitFor();
    await shot(page, "12-settings-templates");

    await page.getByRole("link", { name: "Usage" }).click();
    await page.getByRole("heading", { name: /Usage, last/ }).waitFor();
    // The first test's turns cost something: it shows in the charts (a drawn bar) and the table.
    await page.getByRole("figure", { name: "Cost by day" }).locator(".recharts-bar-rectangle path").first().waitFor();
    await shot(page, "13-settings-usage");
    await page.getByRole("table", { name: "By provider and model" }).getByText("claude-sonnet-4-5").waitFor();

    // A session that does not exist says so instead of reconnecting forever.
    await page.goto(`${server.origin}/#/sessions/00000000-0000-4000-8000-000000000000`);
    await page.getByRole("alert").filter({ hasText: "There is no session with that id." }).waitFor({ timeout: 10_000 });
    await page.getByRole("status", { name: "Connection" }).filter({ hasText: "offline" }).waitFor();

    // A session started from the template saved from the first test's session, switched to
    // another provider from its settings while a second page watches, then a turn cancelled
    // from the keyboard while its tool call waits.
    await page.goto(server.origin);
    await page.getByRole("button", { name: "New session" }).click();
    const fromTemplate = page.getByRole("form", { name: "New session" });
    await fromTemplate.getByLabel("Template").selectOption({ label: "Browser e2e renamed" });
    await fromTemplate.getByLabel("Title").fill("From a template");
    await fromTemplate.getByRole("button", { name: "Create session" }).click();
    await page.getByRole("heading", { name: "From a template" }).waitFor();
    await page.getByText("anthropic · claude-sonnet-4-5").waitFor();
    const other = await context.newPage();
    await other.goto(page.url());
    await other.getByRole("status", { name: "Connection" }).filter({ hasText: "live" }).waitFor();
    await page.getByText("Session settings", { exact: true }).click();
    const controls = page.locator(".session-controls");
    await controls.getByLabel("Credential").selectOption({ label: "Demo (simulated, no real model): openai" });
    await controls.getByLabel("Model", { exact: true }).fill("gpt-5.1");
    await controls.getByRole("button", { name: "Apply" }).click();
    await other.getByText("openai · gpt-5.1").waitFor({ timeout: 5000 });
    await page.getByLabel("Message").fill("hello");
    await page.getByLabel("Message").press("Enter");
    await other.getByText(/You said:/).waitFor();
    await page.getByRole("button", { name: "Send" }).waitFor();
    await page.getByLabel("Message").fill("run a command");
    await page.getByLabel("Message").press("Enter");
    await page.getByRole("group", { name: "Approve run_shell_command?" }).waitFor();
    await page.keyboard.press("Escape");
    for (const each of [page, other]) {
      const card = each.getByRole("region", { name: "Tool call run_shell_command" });
      await card.getByText("Not run: the turn was cancelled").waitFor({ timeout: 5000 });
    }
    await page.getByRole("button", { name: "Send" }).waitFor();
    await shot(page, "14-cancelled");
    await other.close();

    // Signing out ends the cookie session: the sign-in form is back and the API refuses the page.
    await page.goto(server.origin);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API token").waitFor();
    const status = await page.evaluate(async () => (await fetch("/api/v1/sessions", { credentials: "same-origin" })).status);
    expect(status).toBe(401);
  });
});
