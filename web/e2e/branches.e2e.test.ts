// Proves, in a real browser against `npm run dev -- --demo`: a past message edited and sent again
// starts a branch ("2 / 2") while a second page follows live; the arrows switch back to the old
// branch; an answer regenerated with another provider's model sits beside the old one; a fork
// made from a message opens as a session of its own that says where it came from, and the
// original links to it. Screens are saved under web/e2e/screenshots/.
import { type CredentialId, createRestClient } from "@maestro/protocol";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";
import { DESKTOP, SCREENSHOTS, launchChromium } from "./chromium.ts";

let server: DevServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  server = await startDevServer();
  browser = await launchChromium();
  context = await browser.newContext(DESKTOP);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A page on `url`; the first one signs in (the sign-in is a cookie the context's pages share). */
async function open(url: string, signIn: boolean): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  if (signIn) {
    await page.getByLabel("API token").fill(server.token);
    await page.getByRole("button", { name: "Sign in" }).click();
  }
  await page.getByRole("status", { name: "Connection" }).filter({ hasText: "live" }).waitFor();
  return page;
}

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel("Message").fill(text);
  await page.getByLabel("Message").press("Enter");
  await page.getByText(`You said: ${text}`).waitFor();
  await page.getByRole("button", { name: "Send" }).waitFor();
}

describe("branches and forks in the web UI", () => {
  it("edits, switches, regenerates with another model and forks, live on a second page", async () => {
    const api = createRestClient({ baseUrl: server.origin, token: server.token });
    const credentials = (await api.credentials.list()).data;
    const demo = (provider: string) =>
      credentials.find((credential) => credential.label === `Demo (simulated, no real model): ${provider}`)?.id as CredentialId;
    const session = await api.sessions.create({
      title: "Branches e2e",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      credential_id: demo("anthropic"),
      enabled_tools: [],
      enabled_mcp: [],
    });
    const url = `${server.origin}/#/sessions/${session.id}`;
    const page = await open(url, true);
    await say(page, "first question");
    await say(page, "second question");

    const watcher = await open(url, false);
    await watcher.getByText("You said: second question").waitFor();

    // Edit the second question: a new branch, shown as 2 / 2, on both pages.
    const second = page.getByRole("article", { name: "You" }).filter({ hasText: "second question" });
    await second.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Edit message").fill("second question, edited");
    await page.screenshot({ path: `${SCREENSHOTS}30-branch-editing.png`, fullPage: true });
    await page.getByRole("button", { name: "Send edit" }).click();
    for (const each of [page, watcher]) {
      await each.getByText("You said: second question, edited").waitFor();
      await expect(each.getByText("You said: second question", { exact: true }).count()).resolves.toBe(0);
      await expect(each.getByRole("group", { name: "Branches" }).getByLabel("Branch", { exact: true }).textContent()).resolves.toBe(
        "2 / 2",
      );
    }
    await page.getByRole("button", { name: "Send" }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}31-branch-edited.png`, fullPage: true });

    // Back to the first branch with the arrow; the other page follows.
    await page.getByRole("button", { name: "Previous branch" }).click();
    for (const each of [page, watcher]) {
      await each.getByText("You said: second question", { exact: true }).waitFor();
      await expect(each.getByText("You said: second question, edited").count()).resolves.toBe(0);
      await expect(each.getByRole("group", { name: "Branches" }).getByLabel("Branch", { exact: true }).textContent()).resolves.toBe(
        "1 / 2",
      );
    }

    // Regenerate the last answer with OpenAI's model: beside the old answer, 2 / 2.
    const lastAnswer = page.getByRole("article", { name: "Model" }).last();
    await lastAnswer.getByRole("button", { name: "Regenerate with…" }).click();
    await lastAnswer.getByLabel("Credential").selectOption({ label: "Demo (simulated, no real model): openai" });
    await lastAnswer.getByLabel("Model", { exact: true }).fill("gpt-4.1");
    await lastAnswer.getByRole("button", { name: "Regenerate with this model" }).click();
    await expect
      .poll(
        async () => {
          const newest = (await api.messages.list(session.id, { limit: 1 })).data[0];
          return `${newest?.provider}/${newest?.model}/${newest?.siblings?.length ?? 1}`;
        },
        { timeout: 20_000 },
      )
      .toBe("openai/gpt-4.1/2");
    const answerBranches = page.getByRole("article", { name: "Model" }).last().getByRole("group", { name: "Branches" });
    await expect.poll(() => answerBranches.getByLabel("Branch", { exact: true }).textContent(), { timeout: 10_000 }).toBe("2 / 2");
    expect((await api.sessions.get(session.id)).provider).toBe("anthropic");
    await page.screenshot({ path: `${SCREENSHOTS}32-branch-regenerated.png`, fullPage: true });

    // Fork from the first answer: a new session with the history up to there.
    await page.getByRole("article", { name: "Model" }).first().getByRole("button", { name: "Fork from here" }).click();
    await page.getByText("Forked from").waitFor();
    await page.getByRole("link", { name: "Branches e2e" }).waitFor();
    await page.getByText("You said: first question").waitFor();
    await expect(page.getByText("second question").count()).resolves.toBe(0);
    await page.getByRole("heading", { name: "Branches e2e (fork)" }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}33-fork.png`, fullPage: true });
    await page.getByRole("link", { name: "Branches e2e" }).click();
    await page.getByRole("heading", { name: "Branches e2e", exact: true }).waitFor();
    await page.getByRole("link", { name: "Forked into “Branches e2e (fork)”" }).waitFor();
  });
});
