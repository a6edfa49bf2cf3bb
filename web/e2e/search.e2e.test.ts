// Proves, in a real browser against `npm run dev -- --demo`: the Search page (from the sessions
// page's nav) finds a message said long ago in a long session — by a word's stem, with a filter —
// shows it with its session, role and the matching word highlighted, and clicking the hit opens the
// session scrolled to that message and highlighted, though it is older than the 50 messages the
// session opens with (the page pages back to it). Back returns to the same results. The API
// answers the same search with its snippet segments. Screens are saved under web/e2e/screenshots/.
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";
import { DESKTOP, SCREENSHOTS, launchChromium } from "./chromium.ts";

/** Turns sent after the one searched for: 2 messages each, so it falls out of the 50-message snapshot. */
const LATER_TURNS = 25;
/** Each demo turn streams its answer for a second or two. */
const TEST_TIMEOUT_MS = 180_000;

let server: DevServer;
let browser: Browser;
let context: BrowserContext;

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${server.origin}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: false });
}

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchChromium();
  context = await browser.newContext(DESKTOP);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("search", () => {
  it(
    "finds an old message across sessions and jumps to it in its session",
    async () => {
      // A long session, made through the API: the message to find first, then 25 more turns.
      const credentials = await api<{ data: { id: string; label: string }[] }>("/credentials");
      const demo = credentials.data.find((credential) => credential.label === "Demo (simulated, no real model): anthropic");
      expect(demo).toBeDefined();
      const session = await api<{ id: string }>("/sessions", {
        method: "POST",
        body: JSON.stringify({ provider: "anthropic", model: "claude-sonnet-4-5", credential_id: demo?.id, title: "Lighthouse log" }),
      });
      const send = (text: string) =>
        api<{ status: string }>(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text }) });
      expect((await send("The periwinkle keepers were running the lamp all night.")).status).toBe("completed");
      for (let turn = 0; turn < LATER_TURNS; turn += 1) await send(`Later note number ${turn}.`);

      // The API: ranked hits with snippet segments, the stem matched.
      const fromApi = await api<{ data: { message_id: string; session_id: string; snippet: { text: string; hit: boolean }[] }[] }>(
        `/search?q=${encodeURIComponent("periwinkle run")}&role=user`,
      );
      expect(fromApi.data).toHaveLength(1);
      expect(fromApi.data[0]?.session_id).toBe(session.id);
      expect(fromApi.data[0]?.snippet.filter((segment) => segment.hit).map((segment) => segment.text)).toEqual(["periwinkle", "running"]);
      const messageId = fromApi.data[0]?.message_id;

      const page = await context.newPage();
      await page.goto(server.origin);
      await page.getByLabel("API token").fill(server.token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Sessions" }).waitFor();
      await page.getByRole("link", { name: "Search", exact: true }).click();
      await page.getByRole("heading", { name: "Search" }).waitFor();
      await page.getByLabel("Search all messages").fill("periwinkle run");
      await page.getByLabel("Role").selectOption("user");
      await page.getByLabel("Search all messages").press("Enter");

      const results = page.getByRole("region", { name: "Search results" });
      const hit = results.getByRole("link", { name: /Lighthouse log/ });
      await hit.waitFor();
      await expect(results.getByRole("listitem").count()).resolves.toBe(1);
      await expect(hit.locator("mark").allTextContents()).resolves.toEqual(["periwinkle", "running"]);
      await expect(hit.textContent()).resolves.toContain("You");
      expect(page.url()).toContain("#/search?q=periwinkle+run&role=user");
      await shot(page, "search-01-results");

      await hit.click();
      await page.getByRole("heading", { name: "Lighthouse log" }).waitFor();
      expect(page.url()).toContain(`#/sessions/${session.id}/messages/${messageId}`);
      const focused = page.locator(`#message-${messageId}`);
      await focused.and(page.locator(".focused")).waitFor({ timeout: 20_000 });
      await expect(focused.textContent()).resolves.toContain("The periwinkle keepers were running the lamp all night.");
      // It is on screen: scrolled to, not just loaded somewhere above.
      await page.waitForFunction(
        (id) => {
          const box = document.getElementById(id)?.getBoundingClientRect();
          return box !== undefined && box.top >= 0 && box.bottom <= window.innerHeight;
        },
        `message-${messageId}`,
        { timeout: 5_000 },
      );
      // The session opened on its newest 50 messages; the hit was older, so earlier pages were read.
      await expect(page.getByRole("article", { name: "You" }).count()).resolves.toBeGreaterThan(25);
      await shot(page, "search-02-jumped");

      await page.goBack();
      await results.getByRole("link", { name: /Lighthouse log/ }).waitFor();
      await expect(page.getByLabel("Search all messages").inputValue()).resolves.toBe("periwinkle run");

      // Words too common to search for are refused with the reason.
      await page.getByLabel("Search all messages").fill("the and of");
      await page.getByLabel("Search all messages").press("Enter");
      await page.getByRole("alert").filter({ hasText: "too common" }).waitFor();
      await page.close();
    },
    TEST_TIMEOUT_MS,
  );
});
