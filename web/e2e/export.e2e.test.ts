// Proves, in a real browser against `npm run dev -- --demo`: a session with thinking, a tool call,
// a regenerated answer (two branches) and a compaction downloads from its page as Markdown (the
// branch in use, tool calls folded) and as JSON; the JSON imported from the sessions list opens as
// a new session showing the same conversation, and exporting that gives the same file apart from
// ids and timestamps; the imported session takes the next message. Screens go to web/e2e/screenshots/.
import { readFile } from "node:fs/promises";
import type { SessionExport } from "@maestro/protocol";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";
import { SCREENSHOTS, launchChromium } from "./chromium.ts";

let server: DevServer;
let browser: Browser;

async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`${server.origin}/api/v1${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The file with every uuid named by its order of first appearance, and the times that must differ left out. */
function comparable(file: SessionExport): unknown {
  const names = new Map<string, string>();
  const text = JSON.stringify(file).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
    if (!names.has(id)) names.set(id, `id#${names.size}`);
    return names.get(id) ?? id;
  });
  const { exported_at: _exported, session, ...rest } = JSON.parse(text) as SessionExport;
  const { created_at: _created, ...settings } = session;
  return { ...rest, session: settings };
}

async function download(page: Page, link: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: link, exact: true }).click()]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), "utf8") };
}

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("export and import in the web UI", () => {
  it("downloads a session as Markdown and JSON, imports the JSON as a new session, round trip identical", async () => {
    // A session with some of everything, made through the API.
    const credentials = await api<{ data: { id: string; provider: string; label: string }[] }>("/credentials");
    const demo = credentials.data.find((each) => each.provider === "anthropic" && each.label.startsWith("Demo"));
    if (demo === undefined) throw new Error("no demo credential");
    const session = await api<{ id: string }>("/sessions", {
      method: "POST",
      body: {
        provider: "anthropic",
        model: "claude-sonnet-4-5",
        credential_id: demo.id,
        title: "Export e2e",
        system_prompt: "Be the demo.",
      },
    });
    await api(`/sessions/${session.id}/messages?wait=true`, { method: "POST", body: { text: "think about it" } });
    const read = await api<{ message: { id: string } | null }>(`/sessions/${session.id}/messages?wait=true`, {
      method: "POST",
      body: { text: "read README.md" },
    });
    if (read.message === null) throw new Error("no answer");
    await api(`/sessions/${session.id}/messages/${read.message.id}/regenerate?wait=true`, { method: "POST", body: {} });
    await api(`/sessions/${session.id}/compact`, { method: "POST", body: {} });

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    try {
      const page = await context.newPage();
      await page.goto(server.origin);
      await page.getByLabel("API token").fill(server.token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Sessions" }).waitFor();
      await page.goto(`${server.origin}/#/sessions/${session.id}`);
      await page.getByRole("heading", { name: "Export e2e" }).waitFor();
      await page.getByRole("status", { name: "Connection" }).filter({ hasText: "live" }).waitFor();
      await shot(page, "40-export-links");

      const markdown = await download(page, "Markdown");
      expect(markdown.name).toMatch(/^maestro-export-e2e-\d{4}-\d{2}-\d{2}\.md$/);
      expect(markdown.text).toMatch(/^# Export e2e\n/);
      expect(markdown.text).toContain("<summary>Thinking</summary>");
      expect(markdown.text).toContain("<summary>Tool call: read_file");
      expect(markdown.text).toContain("Earlier turns were summarised here (manual)");
      const json = await download(page, "JSON");
      expect(json.name).toMatch(/^maestro-export-e2e-\d{4}-\d{2}-\d{2}\.json$/);
      const exported = JSON.parse(json.text) as SessionExport;
      expect(exported).toMatchObject({ format: "maestro.session", version: 1, session: { title: "Export e2e" } });
      expect(exported.messages.filter((message) => message.role === "assistant").length).toBeGreaterThanOrEqual(4);

      // Import it from the sessions list: the new session opens.
      await page.goto(server.origin);
      await page
        .getByRole("row", { name: /Export e2e/ })
        .first()
        .waitFor();
      await shot(page, "41-import-button");
      await page
        .getByLabel("Import a session from a file")
        .setInputFiles({ name: json.name, mimeType: "application/json", buffer: Buffer.from(json.text) });
      await page.waitForURL((url) => url.hash.startsWith("#/sessions/") && !url.hash.includes(session.id));
      await page.getByRole("heading", { name: "Export e2e" }).waitFor();
      await page.getByRole("status", { name: "Connection" }).filter({ hasText: "live" }).waitFor();
      await page.getByText("Earlier turns were summarised").first().waitFor();
      await shot(page, "42-imported-session");
      const importedId = /#\/sessions\/([0-9a-f-]{36})/.exec(page.url())?.[1];
      if (importedId === undefined) throw new Error("not on a session page");

      const again = await api<SessionExport>(`/sessions/${importedId}/export?format=json`);
      expect(comparable(again)).toEqual(comparable(exported));

      // The imported session carries on.
      await page.getByLabel("Message").fill("think about it");
      await page.getByLabel("Message").press("Enter");
      await expect
        .poll(async () => (await api<SessionExport>(`/sessions/${importedId}/export?format=json`)).messages.length, { timeout: 20_000 })
        .toBe(exported.messages.length + 2);
      await shot(page, "43-imported-continues");
    } finally {
      await context.close();
    }
  });
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}
