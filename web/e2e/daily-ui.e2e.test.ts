// Proves, in a real browser against `npm run dev -- --demo`, what a user meets every day: a
// session opens at its newest message and follows a turn started elsewhere while the reader is at
// the bottom; scrolled up, it stays put and offers "Jump to latest", which follows again; a
// session's tools are chosen in its settings (and a misspelt one is refused by the API); the
// browser stays signed in across an `npm run dev` restart, and a page whose session ended shows
// the sign-in form, not an error. Every choice and button — on the session page and its settings,
// the new session form, every settings section, the approvals inbox and search — shows its whole
// text at desktop and at phone size. Screenshots: daily-*.png.
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";
import { DESKTOP, SCREENSHOTS, launchChromium } from "./chromium.ts";

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, reducedMotion: "reduce" } as const;

let server: DevServer;
let browser: Browser;
let context: BrowserContext;
let sessionId: string;

async function api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.origin}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** A turn from another client (a script on the API), waited for to its end. */
async function sendFromApi(text: string): Promise<void> {
  const { status } = await api(`/sessions/${sessionId}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text }) });
  expect(status).toBe(200);
}

async function signIn(page: Page): Promise<void> {
  await page.goto(server.origin);
  await page.getByLabel("API token").fill(server.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Sessions" }).waitFor();
}

async function openSession(page: Page): Promise<void> {
  await page.goto(`${server.origin}/#/sessions/${sessionId}`);
  await page.getByRole("status", { name: "Connection" }).filter({ hasText: "live" }).waitFor();
}

/** How far the page is from its end, in pixels (0 at the bottom). */
const distanceFromEnd = (page: Page) => page.evaluate(() => document.documentElement.scrollHeight - (window.scrollY + window.innerHeight));

/**
 * Choices and buttons whose text does not fit their box: a select showing "Demo (simulated, no r",
 * a button cut off. A select is compared with the width it takes when sized to its chosen option
 * (`field-sizing: content`, unbounded); a button with the width its text needs.
 */
function truncatedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const cut: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>("select, button")) {
      if (element.offsetParent === null) continue; // not shown
      const shown = element.getBoundingClientRect().width;
      let needed = element.scrollWidth;
      if (element instanceof HTMLSelectElement) {
        const natural = element.cloneNode(true) as HTMLSelectElement;
        natural.selectedIndex = element.selectedIndex;
        Object.assign(natural.style, { fieldSizing: "content", width: "auto", minWidth: "0", maxWidth: "none", position: "absolute" });
        element.parentElement?.append(natural);
        needed = natural.getBoundingClientRect().width;
        natural.remove();
      }
      const text = element instanceof HTMLSelectElement ? (element.selectedOptions[0]?.text ?? "") : (element.textContent ?? "");
      if (needed > shown + 1)
        cut.push(`${element.tagName.toLowerCase()}: ${text.trim()} (${Math.round(needed)} > ${Math.round(shown)} px)`);
    }
    return cut;
  });
}

beforeAll(async () => {
  server = await startDevServer();
  const credentials = await api<{ data: { id: string; label: string; provider: string }[] }>("/credentials");
  const demo = credentials.body.data.find((credential) => credential.provider === "anthropic" && credential.label.startsWith("Demo"));
  if (demo === undefined) throw new Error("no demo credential");
  const created = await api<{ id: string }>("/sessions", {
    method: "POST",
    body: JSON.stringify({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      credential_id: demo.id,
      title: "A session with a long title that must not wrap while a turn streams",
    }),
  });
  sessionId = created.body.id;
  // Enough conversation to fill more than a screen.
  for (const word of ["one", "two", "three", "four"]) await sendFromApi(`hello ${word}`);
  browser = await launchChromium();
  context = await browser.newContext(DESKTOP);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the session page, day to day", () => {
  it("opens at the newest message and follows a turn started by another client", async () => {
    const page = await context.newPage();
    await signIn(page);
    await openSession(page);
    await page.getByText("You said: hello four").waitFor();
    expect(await distanceFromEnd(page)).toBeLessThan(48);
    await sendFromApi("hello five");
    await page.getByText("You said: hello five").waitFor();
    await expect.poll(() => distanceFromEnd(page)).toBeLessThan(48);
    expect(await page.getByText("You said: hello five").isVisible()).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}daily-01-following.png` });
    await page.close();
  }, 60_000);

  it("stays where the reader scrolled to, and Jump to latest follows again", async () => {
    const page = await context.newPage();
    await openSession(page);
    await page.getByText("You said: hello five").waitFor();
    await page.mouse.wheel(0, -5000);
    const jump = page.getByRole("button", { name: "Jump to latest ↓" });
    await jump.waitFor();
    await sendFromApi("hello six");
    await page.getByText("You said: hello six").waitFor({ state: "attached" });
    expect(await page.evaluate(() => window.scrollY)).toBeLessThan(100);
    await page.screenshot({ path: `${SCREENSHOTS}daily-02-jump-to-latest.png` });
    await jump.click();
    await expect.poll(() => distanceFromEnd(page)).toBeLessThan(48);
    await jump.waitFor({ state: "detached" });
    await sendFromApi("hello seven");
    await page.getByText("You said: hello seven").waitFor();
    await expect.poll(() => distanceFromEnd(page)).toBeLessThan(48);
    await page.close();
  }, 60_000);

  it("chooses the session's tools in its settings; the API refuses a tool that does not exist", async () => {
    const page = await context.newPage();
    await openSession(page);
    await page.getByText("Session settings", { exact: true }).click();
    await page.getByLabel("Only these:").check();
    for (const name of ["write_file", "edit_file", "run_shell_command", "execute_code", "fetch_url", "glob", "grep", "list_directory"]) {
      const box = page.getByRole("checkbox", { name: new RegExp(`^${name}\\b`) });
      if (await box.isChecked()) await box.uncheck();
    }
    await page.getByRole("button", { name: "Save tools" }).click();
    await expect
      .poll(async () => (await api<{ enabled_tools: string[] | null }>(`/sessions/${sessionId}`)).body.enabled_tools)
      .toEqual(["read_file"]);
    await page.screenshot({ path: `${SCREENSHOTS}daily-03-session-tools.png`, fullPage: true });
    const refused = await api<{ error: { fields: { field: string }[] } }>(`/sessions/${sessionId}`, {
      method: "PATCH",
      body: JSON.stringify({ enabled_tools: ["read_flie"] }),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual([{ field: "enabled_tools.0", message: 'no tool named "read_flie"' }]);
    expect((await api<{ enabled_tools: string[] | null }>(`/sessions/${sessionId}`)).body.enabled_tools).toEqual(["read_file"]);
    await page.close();
  }, 60_000);

  it("shows every control's whole text, at desktop and at phone size", async () => {
    for (const [name, size] of [
      ["desktop", DESKTOP],
      ["phone", PHONE],
    ] as const) {
      const where = await browser.newContext(size);
      const page = await where.newPage();
      await signIn(page);
      await page.getByRole("button", { name: "New session" }).click();
      const form = page.getByRole("form", { name: "New session" });
      // Measured once the credentials are in the choice (the model follows from the first one).
      await expect.poll(() => form.getByRole("combobox", { name: "Model" }).inputValue()).not.toBe("");
      await page.screenshot({ path: `${SCREENSHOTS}daily-04-new-session-${name}.png`, fullPage: true });
      expect(await truncatedControls(page)).toEqual([]);
      await openSession(page);
      await page.getByText("Session settings", { exact: true }).click();
      await page.getByRole("button", { name: "Save tools" }).waitFor();
      await page.screenshot({ path: `${SCREENSHOTS}daily-05-session-${name}.png`, fullPage: true });
      expect(await truncatedControls(page)).toEqual([]);
      const title = page.getByRole("heading", { level: 1 });
      // One line: two lines of a heading are well over twice its font size.
      const fontSize = await title.evaluate((element) => Number.parseFloat(getComputedStyle(element).fontSize));
      expect((await title.boundingBox())?.height).toBeLessThan(2 * fontSize);
      // Every other page too: the settings sections, the approvals inbox, search.
      for (const path of [
        "#/settings/credentials",
        "#/settings/tools",
        "#/settings/mcp",
        "#/settings/templates",
        "#/settings/agents",
        "#/settings/usage",
        "#/approvals",
        "#/search",
      ]) {
        await page.goto(`${server.origin}/${path}`);
        await page.getByRole("heading", { level: 1 }).waitFor();
        await page.waitForLoadState("networkidle");
        expect(await truncatedControls(page), path).toEqual([]);
      }
      await where.close();
    }
  }, 150_000);
});

describe("signing in", () => {
  it("stays signed in across an npm run dev restart", async () => {
    const page = await context.newPage();
    await page.goto(`${server.origin}/#/settings/credentials`);
    await page.getByRole("heading", { name: "Settings" }).waitFor();
    await server.restart();
    await page.reload();
    await page.getByRole("heading", { name: "Settings" }).waitFor();
    expect(await page.getByLabel("API token").count()).toBe(0);
    await openSession(page);
    await page.close();
  }, 240_000);

  it("shows the sign-in form, not an error, on a page whose web session has ended", async () => {
    const settings = await context.newPage();
    await settings.goto(`${server.origin}/#/settings/credentials`);
    await settings.getByRole("heading", { name: "Settings" }).waitFor();
    // Another tab of the same browser signs out.
    const other = await context.newPage();
    await other.goto(server.origin);
    await other.getByRole("button", { name: "Sign out" }).click();
    await other.getByLabel("API token").waitFor();
    // The settings page asks for something next: it gets a 401, and shows the form.
    await settings.getByRole("link", { name: "Usage" }).click();
    await settings.getByLabel("API token").waitFor();
    expect(await settings.getByText("Missing or invalid API token.").count()).toBe(0);
    await settings.screenshot({ path: `${SCREENSHOTS}daily-06-signed-out.png` });
    await settings.getByLabel("API token").fill(server.token);
    await settings.getByRole("button", { name: "Sign in" }).click();
    await settings.getByRole("heading", { name: "Settings" }).waitFor();
  }, 60_000);
});
