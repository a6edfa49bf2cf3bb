// Proves, in a real terminal (tmux) against `npm run dev -- --demo`: in `maestro attach`, a message
// sent while the turn waits for an approval is queued and shown under the transcript, numbered;
// `maestro send` from a script queues behind it; `/unqueue <n>` drops one and `/qedit <n> <text>`
// changes one, read back from the screen; approving the turn runs the queue in order, and the
// script prints only its own turn's answer (found by its request id), not the one before it.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAESTRO, buildMaestro, runMaestro, waitForText } from "./terminal.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";

const TMUX = `maestro-queue-e2e-${process.pid}`;

let server: DevServer;
let home: string;

const maestro = (args: string[], input?: string) => runMaestro(home, args, input);

/** The pane, with its scrollback (attach prints finished messages into the terminal's own history). */
const screen = () => execFileSync("tmux", ["capture-pane", "-t", TMUX, "-p", "-S", "-300"], { encoding: "utf8" });
const keys = (...sequence: string[]) => execFileSync("tmux", ["send-keys", "-t", TMUX, ...sequence]);

const waitForScreen = (matches: RegExp | ((text: string) => boolean), timeoutMs?: number) => waitForText(screen, matches, timeoutMs);

beforeAll(async () => {
  await buildMaestro();
  home = await mkdtemp(join(tmpdir(), "maestro-tui-queue-e2e-"));
  server = await startDevServer();
  await maestro(["login", server.origin], `${server.token}\n`);
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

describe("a queued message", () => {
  it("queues behind a waiting turn in attach, is dropped or edited by number, and runs in order", async () => {
    const created = await maestro(["new", "--credential", "Demo (simulated, no real model): anthropic", "--model", "claude-sonnet-4-5"]);
    const sessionId = created.stdout.trim();
    execFileSync("tmux", [
      "new-session",
      "-d",
      "-s",
      TMUX,
      "-x",
      "140",
      "-y",
      "50",
      `env XDG_CONFIG_HOME=${home} ${process.execPath} ${MAESTRO} attach ${sessionId}`,
    ]);
    await waitForScreen(/● open/);
    keys("run a command", "Enter");
    await waitForScreen(/\[y\] once/);

    keys("say hello from the queue", "Enter");
    await waitForScreen(/Queued, runs when the turn ends/);
    keys("drop me", "Enter");
    await waitForScreen(/2\. drop me \(tui\)/);

    // A script's message joins the queue behind them; it waits there for its own turn.
    const script = maestro(["send", sessionId, "hello from a script"]);
    const queued = await waitForScreen(/3\. hello from a script \(api\)/, 10_000);
    expect(queued).toContain("1. say hello from the queue (tui)");

    keys("/unqueue 2", "Enter");
    await waitForScreen((text) => text.includes("2. hello from a script (api)") && !text.includes("drop me (tui)"));
    keys("/qedit 1 say hi from tmux", "Enter");
    await waitForScreen(/1\. say hi from tmux \(tui\)/);

    keys("y");
    const { stdout } = await script;
    expect(stdout).toContain("You said: *hello from a script*");
    expect(stdout).not.toContain("say hi from tmux");
    const done = await waitForScreen((text) => text.includes("hello from a script") && !text.includes("Queued,"), 20_000);
    // In order: the approved command's answer, the edited message's turn, then the script's.
    const order = ["Anything else you'd like me to try?", "You said: say hi from tmux", "You said: hello from a script"].map((each) =>
      done.indexOf(each),
    );
    expect(
      order.every((position) => position >= 0),
      done,
    ).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    keys("/quit", "Enter");
  });
});
