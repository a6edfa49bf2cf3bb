/**
 * Benchmark (issue 4): the round trip of a local tool call, SessionDO → AgentDO → tunnel →
 * maestro-agent (read_file of a small file) → back, against the same read done in-process by the
 * agent's own tool code. The Maestro side is the `duration_ms` the session reports on each
 * tool_result (measured around the call inside SessionDO); the model asks for all the reads in
 * one step, and the session runs them one after another.
 *
 *   npm run bench:agent -- [--calls 500]
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { WebSocket } from "ws";
import { startAgent } from "../local-agent/src/agent.ts";
import { createLogger } from "../local-agent/src/log.ts";
import { Roots } from "../local-agent/src/sandbox/roots.ts";
import { runTool } from "../local-agent/src/tools/registry.ts";
import { startLocalWorker } from "../worker/local/local-worker.ts";
import { registerScript, scriptKey } from "../worker/test/simulators/client.ts";
import { fixed, summarize } from "./stats.ts";

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

/** Runs one turn whose single step asks for `count` reads; resolves with each call's duration. */
async function throughMaestro(origin: string, token: string, sessionId: string): Promise<number[]> {
  const socket = new WebSocket(`${origin.replace("http", "ws")}/api/v1/sessions/${sessionId}/socket`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const durations: number[] = [];
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.on("message", (data: Buffer) => {
      const frame = JSON.parse(data.toString("utf8")) as { type: string; event?: { type: string; ok?: boolean; duration_ms?: number } };
      if (frame.type === "snapshot") socket.send(JSON.stringify({ type: "send", text: "read it many times" }));
      if (frame.event?.type === "tool_result") {
        if (frame.event.ok !== true) reject(new Error("a read failed"));
        durations.push(frame.event.duration_ms ?? Number.NaN);
      }
      if (frame.type === "turn_end") resolve();
    });
    socket.once("open", () => socket.send(JSON.stringify({ type: "hello", protocol_version: 1, client: "api" })));
  });
  socket.close();
  return durations.slice(WARMUP);
}

const worker = await startLocalWorker({ name: "bench-agent-worker" });
try {
  const created = await worker.client.agents.create({ name: "bench" });
  const agent = await startAgent(
    { url: worker.origin, token: created.token, roots: [root], name: "bench", mcp: [] },
    { log: createLogger(() => undefined), onFatal: (reason) => process.stderr.write(`agent stopped: ${reason}\n`) },
  );
  await agent.connection.whenConnected();
  const key = scriptKey("anthropic");
  const calls = Array.from({ length: CALLS + WARMUP }, (_, index) => ({
    id: `toolu_${index}`,
    name: "read_file",
    args: { path: "small.txt" },
  }));
  await registerScript(worker.simulator.url, key, [
    { steps: [{ kind: "tool_calls", calls }] },
    { steps: [{ kind: "text", text: "done" }] },
  ]);
  const credential = await worker.client.credentials.create({
    provider: "anthropic",
    auth_type: "api_key",
    label: "bench",
    api_key: key,
    base_url: worker.simulator.url,
  });
  const session = await worker.client.sessions.create({
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    credential_id: credential.id,
    approval_mode: "auto",
    agent_id: created.id,
    enabled_tools: ["read_file"],
  });

  const local = summarize(await inProcess());
  const tunnel = await throughMaestro(worker.origin, worker.token, session.id);
  const remote = summarize(tunnel);
  process.stdout.write(
    `\nread_file of a small file, ${tunnel.length} calls (after ${WARMUP} warm-up calls)\n` +
      `  in-process  p50 ${fixed(local.p50, 3)} ms  p99 ${fixed(local.p99, 3)} ms\n` +
      `  Maestro     p50 ${fixed(remote.p50, 1)} ms  p99 ${fixed(remote.p99, 1)} ms  (SessionDO → AgentDO → agent → back)\n` +
      `  ratio       p50 ${fixed(remote.p50 / local.p50, 0)}×  p99 ${fixed(remote.p99 / local.p99, 0)}×\n`,
  );
  await agent.stop();
} finally {
  await worker.stop();
  await rm(root, { recursive: true, force: true });
}
