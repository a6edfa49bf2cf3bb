// Proves: a command dies with the agent that runs it, even when the agent is SIGKILLed (no exit
// handler runs), and with its timeout, grandchildren included. A real `maestro-agent` process
// takes a run_shell_command call from a stand-in Worker; the test kills it mid-command and
// checks that the command never got to its next line.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TunnelCallIdSchema } from "@maestro/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeWorker, startFakeWorker } from "./testing/fake-worker.ts";

const BIN = fileURLToPath(new URL("../bin/maestro-agent.mjs", import.meta.url));
const TOKEN = "mae_agent_abcdefghijklmnopqrstuvwx";

let worker: FakeWorker;
let root: string;
let agent: ChildProcess | undefined;
let stderr = "";

function startAgentProcess(sandbox: "auto" | "off" = "auto"): ChildProcess {
  // The token from the environment: the agent never takes one from its command line.
  const env: NodeJS.ProcessEnv = { ...process.env, MAESTRO_SANDBOX: sandbox, MAESTRO_AGENT_TOKEN: TOKEN };
  delete env.MAESTRO_URL;
  stderr = "";
  const child = spawn(process.execPath, [BIN, "--url", worker.url, "--root", root], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return child;
}

/** Processes whose command line contains `marker` (not zombies). */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
      if (state === "Z" || state === "X") continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(marker)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(async () => {
  worker = await startFakeWorker();
  root = realpathSync(mkdtempSync(join(tmpdir(), "agent-death-")));
});

afterEach(async () => {
  agent?.kill("SIGKILL");
  await worker.close();
  rmSync(root, { recursive: true, force: true });
});

describe("commands and the agent's death", () => {
  it.each([
    ["bwrap", "auto"],
    ["none", "off"],
  ] as const)(
    "a command dies with its agent, also when the agent is SIGKILLed (sandbox: %s)",
    async (mode, setting) => {
      agent = startAgentProcess(setting);
      const server = await worker.connection(0, 10_000);
      // The agent reports its command sandbox (bwrap is required on Linux; see os-sandbox.test.ts).
      expect((await server.next("register", 10_000)).sandbox).toEqual({ commands: mode, network: true });
      // Without a sandbox, the agent says so at start.
      if (mode === "none") expect(stderr).toContain("commands are not sandboxed");
      else expect(stderr).not.toContain("not sandboxed");
      const file = join(root, "late.txt");
      server.send({
        type: "call",
        id: TunnelCallIdSchema.parse("call_killed_agent"),
        tool: "run_shell_command",
        params: { command: "echo started; sleep 3; echo late >> late.txt" },
        cwd: null,
        deadline: Date.now() + 60_000,
      });
      const progress = await server.next("progress", 10_000);
      expect(progress.output).toBe("started\n");
      agent.kill("SIGKILL");
      await sleep(5000);
      expect(existsSync(file)).toBe(false);
    },
    30_000,
  );

  it("a timeout kills the command's grandchildren", async () => {
    agent = startAgentProcess();
    const server = await worker.connection(0, 10_000);
    await server.next("register", 10_000);
    const marker = `sleep 30.${process.pid}`;
    server.send({
      type: "call",
      id: TunnelCallIdSchema.parse("call_timeout"),
      tool: "run_shell_command",
      params: { command: `sh -c '${marker} & wait'`, timeout_ms: 1000 },
      cwd: null,
      deadline: Date.now() + 60_000,
    });
    const result = await server.next("result", 10_000);
    expect(result.outcome).toMatchObject({ ok: false, code: "TIMEOUT" });
    for (let attempt = 0; attempt < 100 && processesWith(marker).length > 0; attempt += 1) await sleep(10);
    expect(processesWith(marker)).toEqual([]);
  }, 30_000);
});
