// Proves: a process that started a local stack and `wrangler dev` (an e2e test file, a benchmark)
// and is then killed outright — SIGKILL, as a CI time limit or an out-of-memory kill does it, so
// no exit hook runs — leaves nothing running: wrangler, both workerds, esbuild and redis-server
// are gone and the port is free (the reaper, reaper.ts). Before, they served on for good.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { ProcessTree } from "./process-tree.ts";
import { installed as redisInstalled } from "./redis-server.ts";
import { REPO_ROOT } from "./wrangler.ts";

let runner: ChildProcess | undefined;
let tree: ProcessTree | undefined;

afterAll(() => {
  // Only after a failure is anything left; the test's own processes, by pid.
  tree?.snapshot();
  for (const info of tree?.alive() ?? []) {
    try {
      process.kill(info.pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
});

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

describe("a runner killed outright", { timeout: 180_000 }, () => {
  it("leaves no wrangler, workerd or redis-server behind, and frees the port", async () => {
    runner = spawn(process.execPath, ["--import", "tsx", "worker/local/killed-runner.fixture.ts"], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    tree = new ProcessTree(runner.pid ?? -1);
    let seen = "";
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in time:\n${seen.slice(-3000)}`)), 150_000);
      const onData = (chunk: Buffer) => {
        seen += chunk.toString("utf8");
        const match = /^ready (\S+)$/m.exec(seen);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      runner?.stdout?.on("data", onData);
      runner?.stderr?.on("data", onData);
      runner?.once("exit", (code) => reject(new Error(`the runner exited (${code}):\n${seen.slice(-3000)}`)));
    });
    expect((await fetch(`${origin}/api/v1/health`)).status).toBe(200);
    tree.snapshot();
    const commands = [...tree.seen.values()].map((info) => info.command).join("\n");
    for (const part of ["wrangler.js", "workerd", ...(redisInstalled() ? ["redis-server"] : [])]) expect(commands).toContain(part);

    runner.kill("SIGKILL");
    const deadline = Date.now() + 20_000;
    while (tree.alive().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tree.alive().map((info) => `${info.pid} ${info.command}`)).toEqual([]);
    const port = Number(new URL(origin).port);
    const portDeadline = Date.now() + 10_000;
    while (!(await portFree(port)) && Date.now() < portDeadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await portFree(port)).toBe(true);
  });
});
