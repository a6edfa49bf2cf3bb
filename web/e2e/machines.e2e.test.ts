// Proves (issue 14 §6), in a real browser against `npm run dev -- --demo`: a session bound to two
// machines — the demo's own maestro-agent (rooted at this repository) and a second real
// maestro-agent on a temporary folder — shows each read_file card with the machine that ran it
// ("on ci box") and that machine's file, and the session settings list both machines ticked.
// The model is the demo's simulator playing a script. Screenshot: 30-machines.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRestClient } from "@maestro/protocol";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";
import { DESKTOP, SCREENSHOTS, launchChromium } from "./chromium.ts";

const AGENT_BIN = fileURLToPath(new URL("../../local-agent/bin/maestro-agent.mjs", import.meta.url));

let server: DevServer;
let browser: Browser;
let folder: string;
let agent: ChildProcess | undefined;

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchChromium();
  folder = await mkdtemp(join(tmpdir(), "maestro-web-machines-"));
});

afterAll(async () => {
  if (agent?.exitCode === null) {
    const exited = new Promise((resolve) => agent?.once("exit", resolve));
    agent.kill("SIGINT");
    await exited;
  }
  await browser?.close();
  await server?.stop();
  await rm(folder, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} never happened`);
}

describe("several machines in the web UI", () => {
  it("names the machine on every tool card and lists the session's machines in its settings", async () => {
    const api = createRestClient({ baseUrl: server.origin, token: server.token });
    const demoAgent = await until("the demo agent connecting", async () => (await api.agents.list()).data.find((each) => each.connected));
    await writeFile(join(folder, "NOTES.md"), "notes kept on the ci box\n");
    const created = await api.agents.create({ name: "ci box" });
    agent = spawn(process.execPath, [AGENT_BIN, "--url", server.origin, "--root", folder, "--name", "ci box"], {
      cwd: folder,
      env: { ...process.env, MAESTRO_AGENT_TOKEN: created.token },
      stdio: "ignore",
    });
    await until("the second agent connecting", async () =>
      (await api.agents.list()).data.find((each) => each.id === created.id && each.connected),
    );

    // A script on the demo's simulator: one read on each machine, then an answer.
    const demo = (await api.credentials.list()).data.find((each) => each.provider === "anthropic" && each.base_url !== null);
    if (demo?.base_url == null) throw new Error("no demo Anthropic credential");
    const key = `sim-machines-${crypto.randomUUID()}`;
    const turns = [
      {
        steps: [
          {
            kind: "tool_calls",
            calls: [
              { id: "toolu_demo", name: "read_file", args: { machine: demoAgent.name, path: "package.json", limit: 3 } },
              { id: "toolu_ci", name: "read_file", args: { machine: "ci box", path: "NOTES.md" } },
            ],
          },
        ],
      },
      { steps: [{ kind: "text", text: "Read on both machines." }] },
    ];
    const registered = await fetch(`${demo.base_url}/__sim/scripts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key, turns }),
    });
    expect(registered.status).toBeLessThan(300);
    const credential = await api.credentials.create({
      provider: "anthropic",
      auth_type: "api_key",
      label: "machines script",
      api_key: key,
      base_url: demo.base_url,
    });
    const session = await api.sessions.create({
      title: "Two machines",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      credential_id: credential.id,
      approval_mode: "auto",
      agents: [demoAgent.name, "ci box"],
    });

    const context = await browser.newContext(DESKTOP);
    try {
      const page = await context.newPage();
      await page.goto(server.origin);
      await page.getByLabel("API token").fill(server.token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Sessions" }).waitFor();
      await page.goto(`${server.origin}/#/sessions/${session.id}`);
      await page.getByRole("heading", { name: "Two machines" }).waitFor();
      await page.getByRole("status", { name: "Connection" }).filter({ hasText: "live" }).waitFor();

      await page.getByLabel("Message").fill("read the notes on both machines");
      await page.getByLabel("Message").press("Enter");
      await page.getByText("Read on both machines.").waitFor({ timeout: 30_000 });
      const cards = page.getByRole("region", { name: "Tool call read_file" });
      const ciCard = cards.filter({ hasText: "notes kept on the ci box" });
      await expect(ciCard.getByLabel("Machine").textContent()).resolves.toBe("on ci box");
      const demoCard = cards.filter({ hasText: "package.json" });
      await expect(demoCard.getByLabel("Machine").textContent()).resolves.toBe(`on ${demoAgent.name}`);

      await page.getByText("Session settings", { exact: true }).click();
      const machines = page.getByRole("group", { name: "Machines" });
      await expect(machines.getByRole("checkbox", { name: /ci box/ }).isChecked()).resolves.toBe(true);
      await expect(machines.getByRole("checkbox", { name: new RegExp(demoAgent.name.replace(/[()]/g, "\\$&")) }).isChecked()).resolves.toBe(
        true,
      );
      await page.screenshot({ path: `${SCREENSHOTS}30-machines.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });
});
