/**
 * What every terminal e2e run shares: the bundled `maestro` (built again from these sources before
 * a run), run as a user would with its own config folder, and waiting for a tmux pane to show
 * something.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const TUI = fileURLToPath(new URL("..", import.meta.url));
export const MAESTRO = join(TUI, "dist", "maestro.mjs");

/** Bundles the terminal client as `npm install` leaves it, from the sources under test. */
export async function buildMaestro(): Promise<void> {
  await run(process.execPath, ["--import", "tsx", join(TUI, "build.ts")], { cwd: TUI });
}

/** Runs `maestro <args>` with `home` as its config folder (stdin from `input`); rejects with its stderr on failure. */
export function runMaestro(home: string, args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  const env = { ...process.env, XDG_CONFIG_HOME: home };
  if (input === undefined) return run(process.execPath, [MAESTRO, ...args], { env });
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [MAESTRO, ...args], { env }, (error, stdout, stderr) =>
      error === null ? resolve({ stdout, stderr }) : reject(new Error(stderr || error.message)),
    );
    child.stdin?.end(input);
  });
}

/** Polls `read` (a capture of a pane) until it matches, or fails with what the pane showed. */
export async function waitForText(read: () => string, matches: RegExp | ((text: string) => boolean), timeoutMs = 20_000): Promise<string> {
  const test = typeof matches === "function" ? matches : (text: string) => matches.test(text);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = read();
    if (test(text)) return text;
    if (Date.now() > deadline) throw new Error(`never saw ${String(matches)} on screen:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
