// Proves, in a real terminal (tmux) against `npm run dev -- --demo`: in `maestro attach`, `/edit`
// sends new text in place of the last message as a branch (‹2/2›), `/branch prev` goes back to
// the old branch (a divider, then that branch's own messages), `/regenerate openai gpt-4.1`
// answers again with another provider's model beside the old answer, and `/fork` makes a new
// session whose history (`maestro history`) ends where the fork was made.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAESTRO, buildMaestro, runMaestro, waitForText } from "./terminal.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";

const TMUX = `maestro-e2e-branches-${process.pid}`;

let server: DevServer;
let home: string;

const maestro = (args: string[], input?: string) => runMaestro(home, args, input);

const screen = () => execFileSync("tmux", ["capture-pane", "-t", TMUX, "-p", "-S", "-200"], { encoding: "utf8" });

const waitForScreen = (pattern: RegExp, timeoutMs?: number) => waitForText(screen, pattern, timeoutMs);

const type = (line: string) => execFileSync("tmux", ["send-keys", "-t", TMUX, line, "Enter"]);

/** The demo model's whole answer to `text` is on screen and its turn is over. */
const answered = (text: string) =>
  waitForScreen(new RegExp(`You said: ${text}[\\s\\S]*streamed thinking before the answer[\\s\\S]*/quit to leave`));

beforeAll(async () => {
  await buildMaestro();
  home = await mkdtemp(join(tmpdir(), "maestro-tui-branches-"));
  server = await startDevServer();
});

afterAll(async () => {
  try {
    execFileSync("tmux", ["kill-session", "-t", TMUX], { stdio: "ignore" });
  } catch {
    // Already gone: /quit ended it.
  }
  await server?.stop();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

describe("branches in the terminal", () => {
  it("edits, switches back, regenerates with another model and forks", async () => {
    await maestro(["login", server.origin], `${server.token}\n`);
    const created = await maestro([
      "new",
      "--credential",
      "Demo (simulated, no real model): anthropic",
      "--model",
      "claude-sonnet-4-5",
      "--title",
      "tmux branches",
    ]);
    const sessionId = created.stdout.trim();
    execFileSync("tmux", [
      "new-session",
      "-d",
      "-s",
      TMUX,
      "-x",
      "120",
      "-y",
      "60",
      `env XDG_CONFIG_HOME=${home} ${process.execPath} ${MAESTRO} attach ${sessionId}`,
    ]);
    await waitForScreen(/● open/);
    type("first question");
    await answered("first question");
    type("second question");
    await answered("second question");

    type("/edit second, edited");
    const edited = await answered("second, edited");
    expect(edited).toMatch(/you ‹2\/2›\nsecond, edited/);

    type("/branch prev");
    const back = await waitForScreen(/switched to another branch[\s\S]*you ‹1\/2›\nsecond question[\s\S]*You said: second question/);
    expect(back).toContain("switching to branch 1/2");

    type("/regenerate openai gpt-4.1");
    await waitForScreen(/model · openai\/gpt-4\.1 ‹2\/2›[\s\S]*\/quit to leave/);
    const page = await maestro(["history", sessionId, "--json"]);
    const newest = (JSON.parse(page.stdout) as { provider: string; model: string; siblings?: string[] }[]).at(-1);
    expect(newest).toMatchObject({ provider: "openai", model: "gpt-4.1", siblings: [expect.any(String), expect.any(String)] });

    type("/fork");
    const forked = await waitForScreen(/forked into “tmux branches \(fork\)”: maestro attach [0-9a-f-]{36}/);
    const forkId = /maestro attach ([0-9a-f-]{36})/.exec(forked.split("forked into").at(-1) ?? "")?.[1] ?? "";
    const history = await maestro(["history", forkId]);
    expect(history.stdout).toContain("first question");
    expect(history.stdout).toContain("second question");
    expect(history.stdout).toContain("gpt-4.1");
    expect(history.stdout).not.toContain("second, edited");
    type("/quit");
  });
});
