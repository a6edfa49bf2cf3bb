// Proves, in a real terminal (tmux) against `npm run dev -- --demo`: `maestro login` keeps the
// token private, `maestro new` starts a session, `maestro attach` shows it live; a message sent
// there makes the model ask for a command, a key approves it, and the result and the model's
// answer appear, all read back from the screen with capture-pane, while `maestro sessions --watch`
// in a second terminal follows the session live; `maestro send` streams an answer to stdout for
// scripts.
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";

const run = promisify(execFile);
const TUI = fileURLToPath(new URL("..", import.meta.url));
const MAESTRO = join(TUI, "dist", "maestro.mjs");
const TMUX = `maestro-e2e-${process.pid}`;
const TMUX_WATCH = `maestro-e2e-watch-${process.pid}`;

let server: DevServer;
let home: string;

function maestro(args: string[], input?: string) {
  const env = { ...process.env, XDG_CONFIG_HOME: home };
  if (input === undefined) return run(process.execPath, [MAESTRO, ...args], { env });
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = execFile(process.execPath, [MAESTRO, ...args], { env }, (error, stdout, stderr) =>
      error === null ? resolve({ stdout, stderr }) : reject(new Error(stderr || error.message)),
    );
    child.stdin?.end(input);
  });
}

const screen = (target = TMUX) => execFileSync("tmux", ["capture-pane", "-t", target, "-p"], { encoding: "utf8" });

async function waitForScreen(pattern: RegExp, timeoutMs = 20_000, target = TMUX): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen(target);
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`never saw ${pattern} on screen:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Resolves once the tmux session is gone (it ends with its program), within five seconds. */
async function ended(target: string, failure: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      execFileSync("tmux", ["has-session", "-t", target], { stdio: "ignore" });
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(failure);
}

beforeAll(async () => {
  await run(process.execPath, ["--import", "tsx", join(TUI, "build.ts")], { cwd: TUI });
  home = await mkdtemp(join(tmpdir(), "maestro-tui-e2e-"));
  server = await startDevServer();
});

afterAll(async () => {
  for (const session of [TMUX, TMUX_WATCH]) {
    try {
      execFileSync("tmux", ["kill-session", "-t", session], { stdio: "ignore" });
    } catch {
      // Already gone: /quit or Ctrl-C ended it.
    }
  }
  await server?.stop();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

describe("maestro in a terminal", () => {
  it("logs in, attaches, sends, approves a tool call by key and shows the result", async () => {
    await maestro(["login", server.origin], `${server.token}\n`);
    const saved = await stat(join(home, "maestro", "config.json"));
    expect(saved.mode & 0o777).toBe(0o600);

    const created = await maestro([
      "new",
      "--credential",
      "Demo (simulated, no real model): anthropic",
      "--model",
      "claude-sonnet-4-5",
      "--title",
      "tmux e2e",
    ]);
    const sessionId = created.stdout.trim();
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);

    execFileSync("tmux", [
      "new-session",
      "-d",
      "-s",
      TMUX,
      "-x",
      "120",
      "-y",
      "45",
      `env XDG_CONFIG_HOME=${home} ${process.execPath} ${MAESTRO} attach ${sessionId}`,
    ]);
    await waitForScreen(/● open/);
    // A second terminal keeps the session list on screen; it follows the session live.
    execFileSync("tmux", [
      "new-session",
      "-d",
      "-s",
      TMUX_WATCH,
      "-x",
      "160",
      "-y",
      "20",
      `env XDG_CONFIG_HOME=${home} ${process.execPath} ${MAESTRO} sessions --watch`,
    ]);
    await waitForScreen(new RegExp(`${sessionId} +tmux e2e .* idle +1 tui`), 20_000, TMUX_WATCH);
    execFileSync("tmux", ["send-keys", "-t", TMUX, "run a command", "Enter"]);
    const asking = await waitForScreen(/\[y\] once/);
    expect(asking).toContain("run_shell_command");
    await waitForScreen(new RegExp(`${sessionId} +tmux e2e .* waiting_approval`), 5_000, TMUX_WATCH);
    execFileSync("tmux", ["send-keys", "-t", TMUX, "y"]);
    const done = await waitForScreen(/Anything else you'd like me to try\?/);
    expect(done).toContain("[exit code 0]");
    expect(done).toMatch(/tmux e2e · anthropic\/claude-sonnet-4-5 · \d+ in \d+ out · \$0\.\d{4}/);
    await waitForScreen(new RegExp(`${sessionId} +tmux e2e .* idle +1 tui +\\$0\\.0*[1-9]`), 5_000, TMUX_WATCH);
    execFileSync("tmux", ["send-keys", "-t", TMUX_WATCH, "C-c"]);
    await ended(TMUX_WATCH, "maestro sessions --watch did not stop on Ctrl-C");
    execFileSync("tmux", ["send-keys", "-t", TMUX, "/quit", "Enter"]);
    await ended(TMUX, "maestro attach did not quit on /quit");
  });

  it("sends from a script: the answer on stdout, exit code 0", async () => {
    const created = await maestro(["new", "--credential", "Demo (simulated, no real model): anthropic", "--model", "claude-sonnet-4-5"]);
    const { stdout } = await maestro(["send", created.stdout.trim(), "hello there"]);
    expect(stdout).toContain("I'm **the demo model**");
    const listed = await maestro(["sessions"]);
    expect(listed.stdout).toContain(created.stdout.trim());
  });
});
