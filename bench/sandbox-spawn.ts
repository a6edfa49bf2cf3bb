/**
 * Benchmark (issue 14 §2): what the command sandbox costs per command. The same `true`, run
 * `--runs` times each way, one after another, timed from spawn to close:
 *
 * - plain spawn: `spawn("true")` from Node, nothing else (the floor);
 * - runProcess: the agent's own path (its process group and the watchdog shell that kills the
 *   group when the agent dies), without an OS sandbox;
 * - runProcess + bwrap: the same, under bubblewrap as run_shell_command runs it (read-only
 *   file system, the root writable, secrets hidden, own pid namespace, network allowed);
 * - runProcess + bwrap, network off: also a fresh network namespace.
 *
 *   npx tsx bench/sandbox-spawn.ts -- [--runs 200]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type CommandSandbox, detectSandbox } from "../local-agent/src/sandbox/os-sandbox.ts";
import { runProcess } from "../local-agent/src/sandbox/process.ts";
import { fixed, summarize } from "./stats.ts";

const { values: flags } = parseArgs({ options: { runs: { type: "string", default: "200" } }, allowPositionals: true });
const RUNS = Number(flags.runs);
const WARMUP = 10;
const root = realpathSync(mkdtempSync(join(tmpdir(), "bench-sandbox-")));

function plain(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("true", [], { cwd: root, stdio: "ignore" });
    child.once("error", reject);
    child.once("close", () => resolve());
  });
}

async function viaAgent(sandbox: CommandSandbox | undefined): Promise<void> {
  const line = sandbox?.wrap("true", [], { writable: [root], cwd: root }) ?? { command: "true", args: [] };
  const result = await runProcess({
    command: line.command,
    args: line.args,
    cwd: root,
    timeoutMs: 10_000,
    maxOutputBytes: 1024,
    signal: new AbortController().signal,
    onOutput: () => {},
  });
  if (result.exitCode !== 0) throw new Error(`exit ${String(result.exitCode)}: ${result.output}`);
}

async function time(run: () => Promise<void>): Promise<number[]> {
  for (let index = 0; index < WARMUP; index += 1) await run();
  const samples: number[] = [];
  for (let index = 0; index < RUNS; index += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples;
}

const withNetwork = detectSandbox({ network: true });
const withoutNetwork = detectSandbox({ network: false });
if (withNetwork.mode !== "bwrap") throw new Error(`bwrap is needed: ${withNetwork.reason ?? withNetwork.mode}`);

const cases: [string, () => Promise<void>][] = [
  ["plain spawn", plain],
  ["runProcess (watchdog, no sandbox)", () => viaAgent(undefined)],
  ["runProcess + bwrap", () => viaAgent(withNetwork)],
  ["runProcess + bwrap, network off", () => viaAgent(withoutNetwork)],
];
const base = summarize(await time(plain));
console.log(`\`true\` × ${RUNS} each (after ${WARMUP} warm-up runs), ms from spawn to close\n`);
console.log("| | p50 | p99 | p50 vs plain spawn |");
console.log("|---|---|---|---|");
for (const [name, run] of cases) {
  const summary = name === "plain spawn" ? base : summarize(await time(run));
  console.log(`| ${name} | ${fixed(summary.p50, 2)} | ${fixed(summary.p99, 2)} | ${fixed(summary.p50 / base.p50, 2)}× |`);
}
rmSync(root, { recursive: true, force: true });
