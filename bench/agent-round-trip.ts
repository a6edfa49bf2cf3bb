/**
 * Benchmark (issue 4): the round trip of a local tool call, SessionDO → AgentDO → tunnel →
 * maestro-agent (read_file of a small file) → back, against the same read done in-process by the
 * agent's own tool code. The Maestro side is the `duration_ms` the session reports on each
 * tool_result (measured around the call inside SessionDO). For the round trip the model asks for
 * one read per step, so each call is timed alone. Then it asks for ten reads in one step, which
 * the session runs side by side: the step's tool time (its slowest call) against ten single
 * round trips one after another.
 *
 * As a user runs it (issue 15): `maestro-agent` is its own process, not a guest of this one (which
 * also runs the embedded Postgres, whose queries hold Node's one thread, and the model
 * simulator), and it and the session's socket dial the Worker's own workerd port, not wrangler
 * dev's proxy in front of it, which exists only in development (gateway/workerd.ts).
 *
 *   npm run bench:agent -- [--calls 500]
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { WebSocket } from "ws";
import { Roots } from "../local-agent/src/sandbox/roots.ts";
import { runTool } from "../local-agent/src/tools/registry.ts";
import { type Child, startChild } from "../worker/local/child-process.ts";
import { scriptedSessionOn, startLocalWorker } from "../worker/local/local-worker.ts";
import { REPO_ROOT } from "../worker/local/wrangler.ts";
import { fixed, summarize } from "./stats.ts";
import { workerOrigin } from "./gateway/workerd.ts";

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const share = (values: readonly number[], atMost: number) => values.filter((value) => value <= atMost).length / values.length;

const { values: flags } = parseArgs({ options: { calls: { type: "string", default: "500" } } });
const CALLS = Number(flags.calls);
const WARMUP = 20;

const root = await mkdtemp(join(tmpdir(), "maestro-bench-agent-"));
await writeFile(join(root, "small.txt"), "one\ntwo\nthree\n");

/** The same read, in-process: the agent's tool code, path gate included, no tunnel. */
async function inProcess(): Promise<number[]> {
  const roots = await Roots.create([root]);
  const context = { roots, cwd: null, signal: new AbortController().signal, onProgress: () => undefined };
  const times: number[] = [];
  for (let index = 0; index < CALLS + WARMUP; index += 1) {
    const started = performance.now();
    const outcome = await runTool("read_file", { path: "small.txt" }, context);
    if (!outcome.ok) throw new Error(outcome.message);
    if (index >= WARMUP) times.push(performance.now() - started);
  }
  return times;
}

/** Turns of this many steps stay well under the session's step limit. */
const STEPS_PER_TURN = 20;
const BATCH = 10;

const read = (id: string) => ({ id, name: "read_file", args: { path: "small.txt" } });

/** Model answers that ask for `calls` reads, `perStep` to a step, over as many turns as needed. */
function readScript(calls: number, perStep: number) {
  const steps = Array.from({ length: Math.ceil(calls / perStep) }, (_, step) => ({
    steps: [{ kind: "tool_calls" as const, calls: Array.from({ length: perStep }, (_, index) => read(`toolu_${step}_${index}`)) }],
  }));
  const turns: (typeof steps)[] = [];
  for (let index = 0; index < steps.length; index += STEPS_PER_TURN) turns.push(steps.slice(index, index + STEPS_PER_TURN));
  return { turns: turns.length, script: turns.flatMap((turn) => [...turn, { steps: [{ kind: "text" as const, text: "done" }] }]) };
}

/** Sends `turns` messages, one after another; resolves with every tool call's duration, in order. */
async function throughMaestro(origin: string, token: string, sessionId: string, turns: number): Promise<number[]> {
  const socket = new WebSocket(`${origin.replace("http", "ws")}/api/v1/sessions/${sessionId}/socket`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const durations: number[] = [];
  let sent = 0;
  const send = () => {
    sent += 1;
    socket.send(JSON.stringify({ type: "send", text: `read it many times (${sent})` }));
  };
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.on("message", (data: Buffer) => {
      const frame = JSON.parse(data.toString("utf8")) as { type: string; event?: { type: string; ok?: boolean; duration_ms?: number } };
      if (frame.type === "snapshot") send();
      if (frame.event?.type === "tool_result") {
        if (frame.event.ok !== true) reject(new Error("a read failed"));
        durations.push(frame.event.duration_ms ?? Number.NaN);
      }
      if (frame.type === "turn_end") {
        if (sent < turns) send();
        else resolve();
      }
    });
    socket.once("open", () => socket.send(JSON.stringify({ type: "hello", protocol_version: 1, client: "api" })));
  });
  socket.close();
  return durations;
}

/** A real `maestro-agent` process serving `root`, connected once it has registered. */
async function startAgentProcess(url: string, token: string): Promise<Child> {
  let onConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const agent = startChild(
    "agent",
    process.execPath,
    [join(REPO_ROOT, "local-agent/bin/maestro-agent.mjs"), "--url", url, "--root", root, "--name", "bench"],
    {
      cwd: root,
      env: { MAESTRO_AGENT_TOKEN: token },
      onLine: (line) => {
        if (line.includes("tunnel.connected")) onConnected();
      },
      // Its two lines a call are written (as a user's terminal gets them), not shown here.
      show: (line) => / (warn|error) /.test(line),
    },
  );
  await Promise.race([connected, agent.exited.then((code) => Promise.reject(new Error(`maestro-agent exited (${code})`)))]);
  return agent;
}

const worker = await startLocalWorker({
  name: "bench-agent-worker",
  stackProcess: true,
  // Each step logs its model call: only trouble is shown, so the table stays readable.
  showWorkerLine: (line) => /"level":"(warn|error)"|✘|\[ERROR\]/.test(line),
});
let agent: Child | undefined;
try {
  const origin = await workerOrigin(worker.origin);
  const created = await worker.client.agents.create({ name: "bench" });
  agent = await startAgentProcess(origin, created.token);
  /** A session whose model asks for `calls` reads, `perStep` at a time; the durations it reports. */
  async function readSession(calls: number, perStep: number): Promise<number[]> {
    const { turns, script } = readScript(calls, perStep);
    const { session } = await scriptedSessionOn(worker, script, { agent_id: created.id, enabled_tools: ["read_file"] });
    return throughMaestro(origin, worker.token, session.id, turns);
  }

  const local = summarize(await inProcess());
  const all = await readSession(CALLS + WARMUP, 1);
  const tunnel = all.slice(WARMUP);
  const remote = summarize(tunnel);
  // A turn's first call is where whatever a turn reads once lands (the approval rules, since issue 15
  // read while the model writes the call); the warm-up turn's first call is left out.
  const firstOfTurn = summarize(all.filter((_, index) => index % STEPS_PER_TURN === 0 && index >= STEPS_PER_TURN));
  const batched = await readSession(Math.ceil(CALLS / BATCH) * BATCH + WARMUP * BATCH, BATCH);
  const stepTimes: number[] = [];
  for (let index = WARMUP * BATCH; index < batched.length; index += BATCH) stepTimes.push(Math.max(...batched.slice(index, index + BATCH)));
  const steps = summarize(stepTimes);
  process.stdout.write(
    `\nread_file of a small file, ${tunnel.length} calls one per step (after ${WARMUP} warm-up calls)\n` +
      `  in-process  p50 ${fixed(local.p50, 3)} ms  p99 ${fixed(local.p99, 3)} ms\n` +
      `  Maestro     p50 ${fixed(remote.p50, 1)} ms  p99 ${fixed(remote.p99, 1)} ms  (SessionDO → AgentDO → agent → back)\n` +
      // workerd's clock moves in whole milliseconds, so the p50 jumps a millisecond at a time: the
      // mean and the share of calls within 3 ms (issue 15's goal) tell runs apart more finely.
      `              mean ${fixed(mean(tunnel), 2)} ms, ${fixed(share(tunnel, 3) * 100, 0)} % of calls within 3 ms\n` +
      `              a turn's first call p50 ${fixed(firstOfTurn.p50, 1)} ms  p99 ${fixed(firstOfTurn.p99, 1)} ms\n` +
      `              (${origin === worker.origin ? "through wrangler dev's proxy" : "on the Worker's own workerd port"})\n` +
      `  ratio       p50 ${fixed(remote.p50 / local.p50, 0)}×  p99 ${fixed(remote.p99 / local.p99, 0)}×\n` +
      `\n${BATCH} reads asked for in one step, ${stepTimes.length} steps (run side by side)\n` +
      `  step's tool time  p50 ${fixed(steps.p50, 1)} ms  p99 ${fixed(steps.p99, 1)} ms` +
      `  (${BATCH} single round trips one after another: p50 ${fixed(remote.p50 * BATCH, 1)} ms)\n`,
  );
} finally {
  await agent?.stop("SIGTERM");
  await worker.stop();
  await rm(root, { recursive: true, force: true });
}
