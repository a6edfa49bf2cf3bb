/**
 * `npm run dev -- --demo` as the user runs it, in a throwaway folder (MAESTRO_DEV_HOME), on a
 * free port: started, waited for, its API token read from the .dev.vars it wrote, and stopped
 * with one Ctrl-C (SIGINT to its process group), as a terminal would.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.ts";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

export interface DevServer {
  readonly origin: string;
  readonly token: string;
  /** The run's folder (MAESTRO_DEV_HOME): its .dev.vars and .maestro/. */
  readonly home: string;
  /** Ctrl-C, then `npm run dev` again on the same folder and port: what a user's restart is. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`npm run dev was not ready in time:\n${seen.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`npm run dev exited (${code}):\n${seen.slice(-2000)}`)));
  });
}

/** `vars` go into the run's .dev.vars next to a fresh token and key (e.g. MAESTRO_CODEX_ISSUER). */
export async function startDevServer(options: { vars?: Record<string, string> } = {}): Promise<DevServer> {
  const home = await mkdtemp(join(tmpdir(), "maestro-web-e2e-"));
  if (options.vars !== undefined) {
    const lines = [
      `MAESTRO_API_TOKEN=${randomBytes(32).toString("base64url")}`,
      `MAESTRO_ENCRYPTION_KEYS=k1:${randomBytes(32).toString("base64")}`,
      ...Object.entries(options.vars).map(([name, value]) => `${name}=${value}`),
    ];
    await writeFile(join(home, ".dev.vars"), `${lines.join("\n")}\n`, { mode: 0o600 });
  }
  const port = await freePort();
  let running = launch(home, port);
  const stop = async () => {
    await running.interrupt();
    await rm(home, { recursive: true, force: true });
  };
  try {
    await running.ready;
    const vars = await readFile(join(home, ".dev.vars"), "utf8");
    const token = /MAESTRO_API_TOKEN=(\S+)/.exec(vars)?.[1];
    if (token === undefined) throw new Error("no API token in .dev.vars");
    const restart = async () => {
      await running.interrupt();
      running = launch(home, port);
      await running.ready;
    };
    return { origin: `http://127.0.0.1:${port}`, token, home, restart, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One `npm run dev -- --demo` in `home`: ready once it says so; interrupted as Ctrl-C would. */
function launch(home: string, port: number): { ready: Promise<void>; interrupt(): Promise<void> } {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO, "worker/local/dev.ts"), "--demo", "--port", String(port)], {
    cwd: REPO,
    env: { ...process.env, MAESTRO_DEV_HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    ready: waitForLine(child, /Ctrl-C stops everything/, 150_000),
    interrupt: async () => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, "SIGINT");
      await exited;
    },
  };
}
