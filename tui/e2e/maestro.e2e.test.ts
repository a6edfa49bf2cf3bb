// Proves, in a real terminal (tmux) against `npm run dev -- --demo`: `maestro login` keeps the
// token private, `maestro new` starts a session, `maestro attach` shows it live; a message sent
// there makes the model ask for a command, a key approves it, and the result and the model's
// answer appear, all read back from the screen with capture-pane, while `maestro sessions --watch`
// in a second terminal follows the session live; `maestro send` streams an answer to stdout for
// scripts, and exits 1 at once with the reason when the session does not exist or the token is
// refused (attach says so on screen); `maestro history` reads a session back, searched or as JSON; `maestro auth codex` signs in with ChatGPT (against an OAuth simulator standing in for
// auth.openai.com) through its loopback, a pasted address, or a device code, saying first that the
// login is unofficial.
import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAESTRO, buildMaestro, runMaestro, waitForText } from "./terminal.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";
import { freePort } from "../../worker/local/free-port.ts";
import { type OAuthSimulator, startOAuthSimulator } from "../../worker/test/simulators/oauth-server.ts";

const TMUX = `maestro-e2e-${process.pid}`;
const TMUX_WATCH = `maestro-e2e-watch-${process.pid}`;
const TMUX_MISSING = `maestro-e2e-missing-${process.pid}`;

let server: DevServer;
let oauth: OAuthSimulator;
let home: string;

const maestro = (args: string[], input?: string) => runMaestro(home, args, input);

/** `maestro` expected to fail: its exit code and stderr, and how long it took. */
function maestroFailing(args: string[], configHome = home) {
  const started = Date.now();
  return new Promise<{ code: number | null; stderr: string; ms: number }>((resolve) => {
    execFile(process.execPath, [MAESTRO, ...args], { env: { ...process.env, XDG_CONFIG_HOME: configHome } }, (error, _stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stderr, ms: Date.now() - started }),
    );
  });
}

const screen = (target = TMUX) => execFileSync("tmux", ["capture-pane", "-t", target, "-p"], { encoding: "utf8" });

const waitForScreen = (pattern: RegExp, timeoutMs?: number, target = TMUX) => waitForText(() => screen(target), pattern, timeoutMs);

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
  await buildMaestro();
  home = await mkdtemp(join(tmpdir(), "maestro-tui-e2e-"));
  oauth = await startOAuthSimulator();
  server = await startDevServer({ vars: { MAESTRO_CODEX_ISSUER: oauth.url } });
});

afterAll(async () => {
  for (const session of [TMUX, TMUX_WATCH, TMUX_MISSING]) {
    try {
      execFileSync("tmux", ["kill-session", "-t", session], { stdio: "ignore" });
    } catch {
      // Already gone: /quit or Ctrl-C ended it.
    }
  }
  await server?.stop();
  await oauth?.close();
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
    // The message sent is on screen once: printed when stored, not again when its turn ended.
    expect(done.split("run a command").length - 1).toBe(1);
    expect(done).toMatch(/tmux e2e · anthropic\/claude-sonnet-4-5 · context [\d.]+k? \/ 200k · \d+ in \d+ out · \$0\.\d{4}/);
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

  it("reads a session's history back: all of it, searched, or as JSON; exit 1 when there is no such session", async () => {
    const created = await maestro(["new", "--credential", "Demo (simulated, no real model): anthropic", "--model", "claude-sonnet-4-5"]);
    const sessionId = created.stdout.trim();
    await maestro(["send", sessionId, "hello there"]);
    const all = await maestro(["history", sessionId]);
    expect(all.stdout).toMatch(/^\S+ \S+ {2}user\nhello there\n\n\S+ \S+ {2}assistant · claude-sonnet-4-5\n/);
    expect(all.stdout).toContain("I'm **the demo model**");
    // The search runs in the worker (case-insensitive): only the answer says it.
    const found = await maestro(["history", sessionId, "--search", "DEMO MODEL", "--json"]);
    expect((JSON.parse(found.stdout) as { role: string }[]).map((message) => message.role)).toEqual(["assistant"]);
    const none = await maestro(["history", sessionId, "--search", "nothing like this"]);
    expect(none.stderr).toBe('No messages match "nothing like this".\n');
    const missing = await maestroFailing(["history", "9c8b7a6f-5e4d-4c3b-8a2f-1e0d9c8b7a6f"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("Could not read the history: No session with that id.\n");
  });

  it("sends to a session that does not exist, or with a refused token: exit 1 at once, with the reason", async () => {
    const unknown = "9c8b7a6f-5e4d-4c3b-8a2f-1e0d9c8b7a6f";
    const missing = await maestroFailing(["send", unknown, "hi"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Cannot open session ${unknown}: There is no session with that id.`);
    expect(missing.ms).toBeLessThan(5_000);

    const created = await maestro(["new", "--credential", "Demo (simulated, no real model): anthropic", "--model", "claude-sonnet-4-5"]);
    const otherHome = await mkdtemp(join(tmpdir(), "maestro-tui-e2e-badtoken-"));
    try {
      await mkdir(join(otherHome, "maestro"));
      await writeFile(join(otherHome, "maestro", "config.json"), JSON.stringify({ url: server.origin, token: "not-the-token" }), {
        mode: 0o600,
      });
      const refused = await maestroFailing(["send", created.stdout.trim(), "hi"], otherHome);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("token was refused");
      expect(refused.ms).toBeLessThan(5_000);
    } finally {
      await rm(otherHome, { recursive: true, force: true });
    }

    // The full-screen view says the same instead of sitting on "reconnecting".
    execFileSync("tmux", [
      "new-session",
      "-d",
      "-s",
      TMUX_MISSING,
      "-x",
      "120",
      "-y",
      "20",
      `env XDG_CONFIG_HOME=${home} ${process.execPath} ${MAESTRO} attach ${unknown}; echo $? > ${join(home, "attach-exit")}`,
    ]);
    const said = await waitForScreen(/There is no session with that id/, 10_000, TMUX_MISSING);
    expect(said).toContain("● closed");
    execFileSync("tmux", ["send-keys", "-t", TMUX_MISSING, "/quit", "Enter"]);
    await ended(TMUX_MISSING, "maestro attach did not quit on /quit");
    // …and its exit code says it could not open the session.
    expect((await readFile(join(home, "attach-exit"), "utf8")).trim()).toBe("1");
  });
});

/** `maestro` as a child process whose stderr can be watched while it runs (it waits on a browser). */
function spawnMaestro(args: string[]) {
  const child = spawn(process.execPath, [MAESTRO, ...args], { env: { ...process.env, XDG_CONFIG_HOME: home } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stderrMatching = async (pattern: RegExp): Promise<RegExpExecArray> => {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const match = pattern.exec(stderr);
      if (match !== null) return match;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`maestro never printed ${pattern}:\n${stderr}`);
  };
  return { child, exited, stderrMatching, output: () => ({ stdout, stderr }) };
}

const codexCredential = async (id: string) => {
  const response = await fetch(`${server.origin}/api/v1/credentials`, { headers: { authorization: `Bearer ${server.token}` } });
  const { data } = (await response.json()) as { data: { id: string; provider: string; label: string; needs_reauth: boolean }[] };
  return data.find((credential) => credential.id === id);
};

describe("maestro auth codex (unofficial ChatGPT login)", () => {
  it("signs in through its loopback: the browser comes back to localhost and the credential is stored", async () => {
    const port = await freePort();
    const login = spawnMaestro(["auth", "codex", "--port", String(port), "--label", "ChatGPT via loopback"]);
    await login.stderrMatching(/Unofficial:/);
    const [link] = await login.stderrMatching(/http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\S+/);
    // Be the browser: sign in, follow the redirect back to the TUI's loopback.
    const signedIn = await fetch(`${link}&login_hint=acct-tui-loopback`, { redirect: "manual" });
    const back = signedIn.headers.get("location") ?? "";
    expect(back.startsWith(`http://localhost:${port}/auth/callback?`)).toBe(true);
    const page = await fetch(back.replace("localhost", "127.0.0.1"));
    expect(await page.text()).toContain("Signed in");
    expect(await login.exited).toBe(0);
    const id = login.output().stdout.trim();
    expect(await codexCredential(id)).toMatchObject({ provider: "codex", label: "ChatGPT via loopback", needs_reauth: false });
    expect(login.output().stderr).not.toMatch(/access_token|refresh_token/);
  });

  it("signs in with a pasted address, and signs in again for the same credential", async () => {
    const first = spawnMaestro(["auth", "codex", "--paste", "--label", "ChatGPT pasted"]);
    const [link] = await first.stderrMatching(/http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\S+/);
    await first.stderrMatching(/Paste that address/);
    const signedIn = await fetch(`${link}&login_hint=acct-tui-paste`, { redirect: "manual" });
    first.child.stdin.end(`${signedIn.headers.get("location") ?? ""}\n`);
    expect(await first.exited, first.output().stderr).toBe(0);
    const id = first.output().stdout.trim();
    expect(await codexCredential(id)).toMatchObject({ provider: "codex", label: "ChatGPT pasted" });

    const again = spawnMaestro(["auth", "codex", "--paste", "--credential", id]);
    const [relink] = await again.stderrMatching(/http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\S+/);
    await again.stderrMatching(/Paste that address/);
    const signedInAgain = await fetch(`${relink}&login_hint=acct-tui-paste`, { redirect: "manual" });
    again.child.stdin.end(`${signedInAgain.headers.get("location") ?? ""}\n`);
    expect(await again.exited, again.output().stderr).toBe(0);
    expect(again.output().stdout.trim()).toBe(id);
  });

  it("signs in with a device code", async () => {
    const login = spawnMaestro(["auth", "codex", "--device", "--label", "ChatGPT device"]);
    const [, userCode] = await login.stderrMatching(/enter the code:\s+(\S+)/);
    await fetch(`${oauth.url}/__oauth/device/approve`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user_code: userCode, account_id: "acct-tui-device" }),
    });
    expect(await login.exited).toBe(0);
    expect(await codexCredential(login.output().stdout.trim())).toMatchObject({ provider: "codex", label: "ChatGPT device" });
  });
});
