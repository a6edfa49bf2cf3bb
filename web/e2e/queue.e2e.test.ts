// Proves, in a real browser against `npm run dev -- --demo`: a message sent while a turn waits for
// an approval is queued, not refused — both pages show it under the transcript; one page edits it
// and the other sees the edit, a second queued message is cancelled; `maestro send` from a
// terminal queues behind them and, once its turn has run, prints only its own answer (found by
// its request id); approving the first turn runs the queue in order, and the queue empties.
// Screenshots land in web/e2e/screenshots/queue-*.png.
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
let home: string;

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${server.origin}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A fresh session on the demo model (anthropic), made through the API. */
async function demoSession(title: string): Promise<string> {
  const credentials = await api<{ data: { id: string; label: string; provider: string }[] }>("/credentials");
  const demo = credentials.data.find((credential) => credential.provider === "anthropic" && credential.label.startsWith("Demo"));
  if (demo === undefined) throw new Error("no demo credential");
  const session = await api<{ id: string }>("/sessions", {
    method: "POST",
    body: JSON.stringify({ provider: "anthropic", model: "claude-sonnet-4-5", credential_id: demo.id, title }),
  });
  return session.id;
}

async function signedInPage(): Promise<Page> {
  const page = await context.newPage();
  await page.goto(server.origin);
  await page.getByLabel("API token").fill(server.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Sessions" }).waitFor();
  return page;
}

async function openSession(page: Page, sessionId: string): Promise<void> {
  await page.goto(`${server.origin}/#/sessions/${sessionId}`);
  await page.getByRole("status", { name: "Connection" }).filter({ hasText: "live" }).waitFor();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

beforeAll(async () => {
  // The terminal client as `npm install` leaves it (built again here so the run tests these sources).
  await run(process.execPath, ["--import", "tsx", join(TUI, "build.ts")], { cwd: TUI });
  server = await startDevServer();
  home = await mkdtemp(join(tmpdir(), "maestro-web-queue-e2e-"));
  await mkdir(join(home, "maestro"), { recursive: true });
  await writeFile(join(home, "maestro", "config.json"), JSON.stringify({ url: server.origin, token: server.token }), { mode: 0o600 });
  browser = await launchChromium();
  context = await browser.newContext(DESKTOP);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

describe("a queued message", () => {
  it("waits behind a running turn, visible, editable and cancellable in every page, then runs in order", async () => {
    const sessionId = await demoSession("Queue e2e");
    const page = await signedInPage();
    await openSession(page, sessionId);
    const watcher = await context.newPage();
    await openSession(watcher, sessionId);

    // The first turn stays open: the model asks to run a command and waits for the approval.
    await page.getByLabel("Message").fill("run a command");
    await page.getByLabel("Message").press("Enter");
    const prompt = page.getByRole("group", { name: "Approve run_shell_command?" });
    await prompt.waitFor();

    const queue = (on: Page) => on.getByRole("region", { name: "Queued messages" });
    await page.getByLabel("Message").fill("first in the queue");
    await page.getByRole("button", { name: "Queue" }).click();
    await page.getByLabel("Message").fill("drop me");
    await page.getByLabel("Message").press("Enter");
    for (const each of [page, watcher]) {
      await queue(each).getByText("first in the queue").waitFor();
      await queue(each).getByText("drop me").waitFor();
    }
    await shot(page, "queue-01-queued");

    // Edited on the second page, seen on the first; the other one cancelled.
    await queue(watcher).getByRole("listitem").filter({ hasText: "first in the queue" }).getByRole("button", { name: "Edit" }).click();
    const box = watcher.getByRole("textbox", { name: "Edit queued message" });
    await box.fill("say hello from the queue");
    await box.press("Enter");
    await queue(page).getByText("say hello from the queue").waitFor();
    await page.getByRole("button", { name: "Cancel queued message: drop me" }).click();
    for (const each of [page, watcher]) await expect.poll(() => queue(each).getByText("drop me").count()).toBe(0);

    // A script queues behind it, and will print only its own turn's answer.
    const sent = run(process.execPath, [MAESTRO, "send", sessionId, "hello from the terminal"], {
      env: { ...process.env, XDG_CONFIG_HOME: home },
    });
    for (const each of [page, watcher]) await queue(each).getByText("hello from the terminal").waitFor({ timeout: 10_000 });
    await expect(queue(page).textContent()).resolves.toMatch(/say hello from the queue\s*web[\s\S]*hello from the terminal\s*api/);
    await shot(watcher, "queue-02-edited-second-page");

    await prompt.getByRole("button", { name: "Approve once" }).click();
    const { stdout } = await sent;
    expect(stdout).toContain("You said: *hello from the terminal*");
    expect(stdout).not.toContain("say hello from the queue");
    for (const each of [page, watcher]) {
      await each.getByText(/You said:\s*say hello from the queue/).waitFor();
      await each.getByText(/You said:\s*hello from the terminal/).waitFor();
      await expect.poll(() => queue(each).count()).toBe(0);
    }
    // In order: the approved command's answer, then the edited message's turn, then the script's.
    const text = (await page.locator("main").textContent()) ?? "";
    const order = ["Anything else you'd like me to try?", "You said: say hello from the queue", "You said: hello from the terminal"];
    const positions = order.map((each) => text.indexOf(each));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    await shot(page, "queue-03-ran");
    await watcher.close();
    await page.close();
  });
});
