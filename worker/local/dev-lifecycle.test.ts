// Proves: whatever `npm run dev -- --demo` started is gone, and its port free, after one Ctrl-C
// (SIGINT to its process group, as a terminal sends it), also with a turn streaming, after two
// Ctrl-Cs in quick succession, after the terminal closes (SIGHUP, its output gone), after a
// plain `kill` (SIGTERM to npm only), and when dev.ts itself is SIGKILLed (the reaper then takes
// the rest); and each start after a stop works on the same port. And that
// a run started the way the tests start one builds the web UI into its own folder: it never
// writes `web/dist` or the folder a running `npm run dev` in this repository serves.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./free-port.ts";
import { ProcessTree } from "./process-tree.ts";
import { REPO_ROOT } from "./wrangler.ts";

interface Run {
  readonly child: ChildProcess;
  readonly tree: ProcessTree;
  readonly exited: Promise<void>;
  output(): string;
}

let home: string;
let port: number;
let token: string;
let before: Map<string, string>;
const runs: Run[] = [];

/** Every file below the folders a developer's own `npm run dev` builds and serves, with its identity. */
async function servedFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const folder of [join(REPO_ROOT, "web", "dist"), join(REPO_ROOT, ".maestro", "web")]) {
    const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const info = await stat(path);
      files.set(path, `${info.ino}:${info.mtimeMs}:${info.size}`);
    }
  }
  return files;
}

/** `npm run dev -- --demo` in its own process group, as a terminal runs a foreground job. */
async function start(): Promise<Run> {
  const child = spawn("npm", ["run", "dev", "--", "--demo", "--port", String(port)], {
    cwd: REPO_ROOT,
    env: { ...process.env, MAESTRO_DEV_HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let seen = "";
  const tree = new ProcessTree(child.pid ?? -1);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const run: Run = { child, tree, exited, output: () => seen.slice(-3000) };
  runs.push(run);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time:\n${seen.slice(-3000)}`)), 150_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      if (seen.includes("Ctrl-C stops everything")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`npm run dev exited (${code}):\n${seen.slice(-3000)}`)));
  });
  tree.snapshot();
  return run;
}

/** Waits for the run to end, then for every process it started to be gone and the port to be free. */
async function expectAllGone(run: Run): Promise<void> {
  await run.exited;
  // npm may exit first (on SIGTERM it does not wait); dev.ts's own shutdown is cut off at 20 s.
  const deadline = Date.now() + 25_000;
  while (run.tree.alive().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(run.tree.alive().map((info) => `${info.pid} ${info.command}`)).toEqual([]);
  // Every kind of process it runs was seen, so "all gone" covers them.
  const commands = [...run.tree.seen.values()].map((info) => info.command).join("\n");
  for (const part of ["worker/local/dev.ts", "web-build.ts", "wrangler.js", "workerd", "maestro-agent"]) expect(commands).toContain(part);
  // The port is free once the last listener's process is reaped; a process started after the
  // last snapshot (wrangler restarts workerd when the web build lands) may take a moment longer.
  const portDeadline = Date.now() + 10_000;
  for (;;) {
    const bound = await new Promise<true | Error>((resolve) => {
      const server = createServer();
      server.once("error", (error) => resolve(error));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (bound === true) return;
    if (Date.now() > portDeadline) throw bound;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "maestro-dev-lifecycle-"));
  port = await freePort();
  before = await servedFiles();
});

afterAll(async () => {
  for (const run of runs) {
    // Only after a failure is anything left; the test's own processes, by pid.
    run.tree.snapshot();
    for (const info of run.tree.alive()) {
      try {
        process.kill(info.pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
  }
  await rm(home, { recursive: true, force: true });
});

// Each start builds the web UI and boots wrangler: tens of seconds on a busy 2-core machine.
describe("npm run dev stops everything it started", { timeout: 240_000 }, () => {
  it("on one Ctrl-C with a turn streaming", async () => {
    const run = await start();
    token = /MAESTRO_API_TOKEN=(\S+)/.exec(await readFile(join(home, ".dev.vars"), "utf8"))?.[1] ?? "";
    const origin = `http://127.0.0.1:${port}`;
    const page = await fetch(origin);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<div id=");
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const sessions = (await (await fetch(`${origin}/api/v1/sessions?q=Demo%20session`, { headers })).json()) as { data: { id: string }[] };
    const session = sessions.data[0]?.id;
    expect(session).toBeDefined();
    const turn = await fetch(`${origin}/api/v1/sessions/${session}/messages`, {
      method: "POST",
      headers: { ...headers, accept: "text/event-stream" },
      body: JSON.stringify({ text: "think about it" }),
    });
    expect(turn.status).toBe(200);
    const reader = turn.body?.getReader();
    let streamed = "";
    while (!streamed.includes("text_delta")) {
      const { value, done } = (await reader?.read()) ?? { done: true, value: undefined };
      if (done) break;
      streamed += new TextDecoder().decode(value);
    }
    expect(streamed).toContain("text_delta");
    expect(streamed).not.toContain("turn_end");
    run.tree.snapshot();
    process.kill(-(run.child.pid ?? 0), "SIGINT");
    await reader?.cancel().catch(() => undefined);
    await expectAllGone(run);
  });

  it("on two quick Ctrl-Cs, started again on the same port", async () => {
    const run = await start();
    process.kill(-(run.child.pid ?? 0), "SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 30));
    // On a quick machine the first one may already have stopped it all: a terminal's second Ctrl-C
    // then reaches no one, and kill() says so (ESRCH) — that is a pass, not a failure.
    try {
      process.kill(-(run.child.pid ?? 0), "SIGINT");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
    await expectAllGone(run);
  });

  it("when the terminal closes (SIGHUP, and nothing left to print to)", async () => {
    const run = await start();
    process.kill(-(run.child.pid ?? 0), "SIGHUP");
    run.child.stdout?.destroy();
    run.child.stderr?.destroy();
    await expectAllGone(run);
  });

  it("on a plain kill (SIGTERM to npm alone)", async () => {
    const run = await start();
    run.child.kill("SIGTERM");
    await expectAllGone(run);
  });

  it("when dev.ts is killed outright (SIGKILL: no handler runs, the reaper takes the rest)", async () => {
    const run = await start();
    // dev.ts itself, not the shell npm ran it from.
    const dev = [...run.tree.seen.values()].find((info) => info.command.includes("worker/local/dev.ts") && !info.command.startsWith("sh "));
    expect(dev).toBeDefined();
    run.tree.snapshot();
    process.kill(dev?.pid ?? 0, "SIGKILL");
    await expectAllGone(run);
  });

  it("and never wrote web/dist or the folder this repository's own npm run dev serves", async () => {
    expect(await servedFiles()).toEqual(before);
  });
});
