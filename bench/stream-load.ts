/**
 * Load probe for issue 15 goals 3–4: N sessions each streaming one paced turn at once, read over
 * session sockets. Reports turn time against the ideal, token lateness (arrival against the
 * simulator's pace), workerd CPU per streamed event (utime+stime from /proc) and workerd RSS:
 * idle, peak while streaming, and a while after the turns end.
 *
 *   npx tsx bench/stream-load.ts [--sessions 200] [--words 200] [--delay 20] [--turns 1] [--after 60] [--memory] [--heap]
 *                                [--profile [--profile-out f.cpuprofile]] [--alloc]
 *
 * `--memory` prints, at each phase and every 10 s after the turns end, the Worker's workerd RSS
 * split into anonymous and file-backed memory and its open files (SQLite databases, WAL, sockets),
 * and the proxy workerd's RSS apart; `--heap` adds the JS heap (and, at the end, the live session
 * objects); `--tcmalloc` adds what workerd's allocator holds and keeps free (gdb, bench/memory.ts)
 * and, at the end, asks it to give its free pages back and prints the RSS left.
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Session, SessionId } from "@maestro/protocol";
import { WebSocket } from "ws";
import { startLocalWorker } from "../worker/local/local-worker.ts";
import { registerScript } from "../worker/test/simulators/client.ts";
import { cpuMs, rssMb, stackProcessPids, workerdPids } from "./gateway/workerd.ts";
import { dumpTcmallocStats, memoryLine, tcmallocMb } from "./memory.ts";
import { type CpuProfile, Inspector, type SamplingHeapProfile, inspectorOf } from "./inspector.ts";
import { fixed, summarize } from "./stats.ts";

const { values: flags } = parseArgs({
  options: {
    sessions: { type: "string", default: "200" },
    words: { type: "string", default: "200" },
    delay: { type: "string", default: "20" },
    after: { type: "string", default: "60" },
    /** Print where workerd's CPU went during the paced turns, and what its heap holds after. */
    profile: { type: "boolean", default: false },
    memory: { type: "boolean", default: false },
    heap: { type: "boolean", default: false },
    tcmalloc: { type: "boolean", default: false },
    /** Measured turns per session, one after another (with --words 1: what a turn costs apart from its tokens). */
    turns: { type: "string", default: "1" },
    /** Run the whole load again on new sessions in the same workerd (is freed memory reused?). */
    rounds: { type: "string", default: "1" },
    /** What the paced turns allocate, by function (a sampling heap profile, collected objects included). */
    alloc: { type: "boolean", default: false },
    /** With --profile: also write the raw CPU profile here (a .cpuprofile DevTools opens). */
    "profile-out": { type: "string" },
  },
});
const SESSIONS = Number(flags.sessions);
const WORDS = Number(flags.words);
const DELAY = Number(flags.delay);
const TURN = { steps: [{ kind: "text" as const, text: "word ".repeat(WORDS).trim() }], chunk_delay_ms: DELAY };
const TURNS = Number(flags.turns);
/** The simulator's tokens in a piece of streamed text (each is a "word"). */
const tokensIn = (text: string): number => text.split("word").length - 1;
/** One workerd's CPU so far, seconds (the readers are bench:gateway's). */
const cpuSeconds = (pid: number): number => cpuMs([pid]) / 1000;

/** Resolves once none of these processes has used CPU for 500 ms (or after 20 s). */
async function untilQuiet(pids: readonly number[]): Promise<void> {
  let last = cpuMs(pids);
  for (let waited = 0; waited < 20_000; waited += 500) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = cpuMs(pids);
    if (now === last) return;
    last = now;
  }
}

async function connect(origin: string, token: string, sessionId: SessionId) {
  const socket = new WebSocket(`${origin.replace("http", "ws")}/api/v1/sessions/${sessionId}/socket`, {
    headers: { authorization: `Bearer ${token}` },
  });
  let onFrame: (frame: { type: string; event?: { type: string; text?: string } }) => void = () => undefined;
  socket.on("message", (data: Buffer) => onFrame(JSON.parse(data.toString("utf8")) as { type: string }));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  await new Promise<void>((resolve) => {
    onFrame = (frame) => {
      if (frame.type === "snapshot") resolve();
    };
    socket.send(JSON.stringify({ type: "hello", protocol_version: 1, client: "api" }));
  });
  /**
   * One turn: its wall time, event count, token count, and each token's lateness against the pace.
   * A frame may carry several tokens (what one upstream read brought is joined): each counts.
   */
  const turn = () =>
    new Promise<{ ms: number; events: number; tokens: number; late: number[] }>((resolve) => {
      const started = performance.now();
      let first = 0;
      let tokens = 0;
      let events = 0;
      const late: number[] = [];
      onFrame = (frame) => {
        if (frame.type === "event") {
          events += 1;
          if (frame.event?.type === "text_delta") {
            const now = performance.now();
            if (first === 0) first = now;
            for (let count = tokensIn(frame.event.text ?? ""); count > 0; count -= 1) {
              if (tokens > 0) late.push(now - (first + tokens * DELAY));
              tokens += 1;
            }
          }
        }
        if (frame.type === "turn_end") resolve({ ms: performance.now() - started, events, tokens, late });
      };
      socket.send(JSON.stringify({ type: "send", text: "go" }));
    });
  return { turn, close: () => socket.close() };
}

const worker = await startLocalWorker({ name: "stream-load", stackProcess: true });
const { origin, token, simulator, client } = worker;
/** SESSIONS new sessions, each with a script of one unpaced and one paced turn. */
async function createSessions(): Promise<Session[]> {
  const sessions: Session[] = [];
  for (let start = 0; start < SESSIONS; start += 20)
    sessions.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(20, SESSIONS - start) }, async () => {
          const key = `load-${randomUUID()}`;
          await registerScript(simulator.url, key, [{ ...TURN, chunk_delay_ms: 0 }, ...Array.from({ length: TURNS }, () => TURN)]);
          const credential = await client.credentials.create({
            provider: "anthropic",
            auth_type: "api_key",
            label: "load",
            api_key: key,
            base_url: simulator.url,
          });
          return client.sessions.create({
            provider: "anthropic",
            model: "claude-sonnet-4-5",
            credential_id: credential.id,
            approval_mode: "auto",
            enabled_tools: [],
          });
        }),
      )),
    );
  return sessions;
}
try {
  let sessions = await createSessions();
  // wrangler runs two workerd processes; the Worker's is the one that has done the work so far.
  const pid = workerdPids().sort((a, b) => cpuSeconds(b) - cpuSeconds(a))[0];
  if (pid === undefined) throw new Error("no workerd found");
  const idle = rssMb([pid]);
  const others = workerdPids().filter((each) => each !== pid);
  const heapInspector = flags.heap ? await Inspector.open(await inspectorOf(workerdPids())) : undefined;
  /** With --memory: where the Worker's workerd memory is at this phase (and the proxy's RSS apart). */
  const phase = async (name: string) => {
    if (!flags.memory) return;
    let extra = "";
    if (heapInspector !== undefined) {
      const heap = await heapInspector.call<{ usedSize: number; totalSize: number }>("Runtime.getHeapUsage");
      extra += `\n      JS heap used ${fixed(heap.usedSize / 1048576, 1)} MB of ${fixed(heap.totalSize / 1048576, 1)} MB`;
    }
    if (flags.tcmalloc) {
      const held = tcmallocMb(pid);
      extra += `\n      tcmalloc ${
        held === undefined
          ? "unreadable"
          : Object.entries(held)
              .map(([key, mb]) => `${key} ${fixed(mb, 0)}`)
              .join(", ")
      } MB`;
    }
    process.stdout.write(`  [${name}] worker ${memoryLine(pid)}; proxy rss ${fixed(rssMb(others), 0)} MB${extra}\n`);
  };
  if (flags.memory)
    process.stdout.write(
      `  ports: postgres ws proxy ${worker.stack.wsProxyPort}, upstash ${new URL(worker.stack.upstashUrl).port}, ` +
        `simulator ${new URL(simulator.url).port}, wrangler ${new URL(origin).port}\n`,
    );
  await phase("idle");
  for (let round = 1; round <= Number(flags.rounds); round += 1) {
    if (round > 1) {
      sessions = await createSessions();
      process.stdout.write(`round ${round}: ${SESSIONS} new sessions\n`);
    }
    const sockets = await Promise.all(sessions.map((session) => connect(origin, token, session.id)));
    await phase("connected");
    // Warm each session with one unpaced turn, a few at a time (the embedded Postgres serialises).
    for (let start = 0; start < sockets.length; start += 20) await Promise.all(sockets.slice(start, start + 20).map((each) => each.turn()));
    await phase("warmed");
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb([pid]))), 200);
    const inspector = flags.profile || flags.alloc ? await Inspector.open(await inspectorOf(workerdPids())) : undefined;
    if (inspector !== undefined && flags.alloc) {
      await inspector.call("HeapProfiler.enable");
      await inspector.call("HeapProfiler.startSampling", {
        samplingInterval: 16384,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    }
    if (inspector !== undefined && flags.profile) {
      await inspector.call("Profiler.enable");
      await inspector.call("Profiler.setSamplingInterval", { interval: 200 });
      await inspector.call("Profiler.start");
    }
    const cpu0 = cpuSeconds(pid);
    // The embedded Postgres's share: it has a process of its own, on the other core.
    const stackPids = stackProcessPids();
    const stackCpu0 = cpuMs(stackPids);
    const started = performance.now();
    const results = (
      await Promise.all(
        sockets.map(async (each) => {
          const done = [];
          for (let index = 0; index < TURNS; index += 1) done.push(await each.turn());
          return done;
        }),
      )
    ).flat();
    const wall = performance.now() - started;
    const cpu = cpuSeconds(pid) - cpu0;
    // What the turns left running (the answers' writes go to Postgres after turn_end): both
    // processes until neither has used CPU for half a second.
    await untilQuiet([pid, ...stackPids]);
    const stackCpu = (cpuMs(stackPids) - stackCpu0) / 1000;
    const trailingCpu = cpuSeconds(pid) - cpu0 - cpu;
    clearInterval(sampler);
    if (inspector !== undefined && flags.alloc) {
      const { profile } = await inspector.call<{ profile: SamplingHeapProfile }>("HeapProfiler.stopSampling");
      process.stdout.write(`Allocated during the paced turns: ${Inspector.summarizeAllocations(profile, 30)}\n`);
    }
    if (inspector !== undefined && flags.profile) {
      const { profile } = await inspector.call<{ profile: CpuProfile }>("Profiler.stop");
      process.stdout.write(`CPU by function (self time):\n${Inspector.summarizeProfile(profile, 40)}\n`);
      if (flags["profile-out"] !== undefined) writeFileSync(flags["profile-out"], JSON.stringify(profile));
    }
    await phase("turns ended");
    if (heapInspector !== undefined && process.env.HEAP_TOP !== undefined)
      process.stdout.write(`${await heapInspector.heapSummary(Number(process.env.HEAP_TOP))}\n`);
    for (const each of sockets) each.close();
    const events = results.reduce((sum, each) => sum + each.events, 0);
    const tokens = results.reduce((sum, each) => sum + each.tokens, 0);
    const turns = summarize(results.map((each) => each.ms));
    const late = summarize(results.flatMap((each) => each.late));
    const ideal = WORDS * DELAY * TURNS;
    process.stdout.write(
      `${SESSIONS} sessions × ${TURNS} turn(s) × ${WORDS} tokens every ${DELAY} ms (ideal ${ideal} ms)\n` +
        `  turn time p50 ${fixed(turns.p50, 0)} ms  p99 ${fixed(turns.p99, 0)} ms  all done ${fixed(wall, 0)} ms (${fixed(wall / ideal, 2)}× ideal)\n` +
        `  token lateness p50 ${fixed(late.p50, 1)} ms  p99 ${fixed(late.p99, 1)} ms\n` +
        `  workerd CPU ${fixed(cpu, 2)} s for ${events} events = ${fixed((cpu * 1e6) / events, 1)} µs/event, ` +
        `${tokens} tokens = ${fixed((cpu * 1e6) / tokens, 1)} µs/token, ${results.length} turns = ${fixed((cpu * 1e3) / results.length, 2)} ms/turn\n` +
        `  after the turns ended, until quiet: workerd ${fixed(trailingCpu, 2)} s more\n` +
        `  local stack (Postgres, Redis shim) CPU, until quiet, ${fixed(stackCpu, 2)} s = ${fixed((stackCpu * 1e3) / results.length, 2)} ms/turn\n` +
        `  workerd RSS idle ${fixed(idle, 0)} MB  peak ${fixed(peak, 0)} MB\n`,
    );
    if (inspector !== undefined) process.stdout.write(`at the end: ${await inspector.heapSummary(0)}\n`);
    for (let waited = 0; waited < Number(flags.after); waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(10, Number(flags.after) - waited) * 1000));
      await phase(`+${Math.min(waited + 10, Number(flags.after))} s`);
    }
    process.stdout.write(`  after ${flags.after} s ${fixed(rssMb([pid]), 0)} MB\n`);
    if (inspector !== undefined) {
      process.stdout.write(`${await inspector.heapSummary(30)}\n`);
      inspector.close();
    }
  }
  if (flags.tcmalloc && heapInspector !== undefined) {
    // Garbage ArrayBuffers hold tcmalloc memory until V8 collects them: a heap snapshot collects
    // first (workerd's inspector leaves HeapProfiler.collectGarbage unanswered), then look again.
    process.stdout.write(`  heap snapshot: ${(await heapInspector.heapSummary(0)).split("\n")[0]}\n`);
    await phase("after a full GC");
  }
  if (flags.tcmalloc) {
    dumpTcmallocStats(pid, "/tmp/stream-load-tcmalloc.txt");
    process.stdout.write("  tcmalloc's report: /tmp/stream-load-tcmalloc.txt\n");
    const released = tcmallocMb(pid, true);
    process.stdout.write(
      `  after tcmalloc gave its free pages back: rss ${fixed(rssMb([pid]), 0)} MB; ${Object.entries(released ?? {})
        .map(([key, mb]) => `${key} ${fixed(mb, 0)}`)
        .join(", ")} MB\n`,
    );
  }
  if (heapInspector !== undefined) {
    process.stdout.write(`  at the end: ${(await heapInspector.heapSummary(0)).split("\n")[0]}\n`);
    heapInspector.close();
  }
} finally {
  await worker.stop();
}
