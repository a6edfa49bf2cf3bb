/**
 * Benchmark (issue 15): what a relay adds to a streamed answer, The Maestro against a plain
 * gateway (Portkey 1.15.2) and against reading the upstream directly, all in one run on one
 * machine. A loopback OpenAI-compatible upstream (its own process, bench/gateway/upstream.ts)
 * stamps every token with the time it sent it, so each client can tell what the system in
 * between added: before the first token, to the end, and to every token's delivery.
 *
 *   npm run bench:gateway -- [--requests 200] [--tokens 200] [--spacing 0] [--think 0]
 *                            [--concurrency 50,100,200] [--stream-tokens 200] [--stream-spacing 20]
 *                            [--settle 60] [--turns-per-session 10] [--history-kb 0] [--woken 20] [--idle 40]
 *                            [--no-portkey] [--no-proxy] [--no-floor]
 *
 * `--think N`: the upstream answers each one-at-a-time request N ms after it arrived, as a model
 * reads its prompt before it speaks (not counted as added: the added time is the client's wait
 * less the upstream's own). What a system does while the model reads then costs nothing.
 *
 * `--history-kb N`: the one-at-a-time requests come after N KB of earlier turns (bench/gateway/
 * history.ts), as in a session that has grown: direct and Portkey send them in each body, The
 * Maestro's sessions are imported holding them. `--woken N --idle S` (20, 40; `--woken 0` skips
 * it): N sessions answer a turn, sit idle S seconds (their objects hibernate), and answer again.
 *
 * The Maestro is measured twice: on the port where workerd serves the Worker itself (what
 * production runs: nothing between the client and the Worker but the network) and through the
 * proxy workerd that `wrangler dev` puts in front of it (what `npm run dev` serves; dev only).
 *
 * Beside them runs the runtime's floor (bench/gateway/floor.ts): a Worker on its own `wrangler
 * dev` that only relays the upstream to a session socket, timed by the same client as The
 * Maestro's socket. What it adds above direct is workerd's; what The Maestro adds above it is ours.
 *
 * Everything binds 127.0.0.1 and is stopped at the end, also on an error or Ctrl-C.
 */
import { writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { SessionId } from "@maestro/protocol";
import { type Child, startChild } from "../worker/local/child-process.ts";
import { type LocalWorker, startLocalWorker } from "../worker/local/local-worker.ts";
import { REPO_ROOT, resolveBin } from "../worker/local/wrangler.ts";
import { chatCompletion, maestroSocket, maestroSse, type Reading } from "./gateway/clients.ts";
import { type RelayFloor, startRelayFloor } from "./gateway/floor.ts";
import { chatHistory, sessionFile } from "./gateway/history.ts";
import { describePatches, type PortkeyVariant, portkeyHeaders, startPortkey } from "./gateway/portkey.ts";
import { planText } from "./gateway/upstream.ts";
import { cpuMs, peakRss, rssMb, workerProcess } from "./gateway/workerd.ts";
import { startProfiler } from "./inspector.ts";
import { fixed, summarize } from "./stats.ts";

const { values: flags } = parseArgs({
  options: {
    requests: { type: "string", default: "200" },
    tokens: { type: "string", default: "200" },
    spacing: { type: "string", default: "0" },
    think: { type: "string", default: "0" },
    concurrency: { type: "string", default: "50,100,200" },
    "stream-tokens": { type: "string", default: "200" },
    "stream-spacing": { type: "string", default: "20" },
    settle: { type: "string", default: "60" },
    "turns-per-session": { type: "string", default: "10" },
    "history-kb": { type: "string", default: "0" },
    woken: { type: "string", default: "20" },
    idle: { type: "string", default: "40" },
    "no-portkey": { type: "boolean", default: false },
    "no-proxy": { type: "boolean", default: false },
    "no-floor": { type: "boolean", default: false },
    /** ms between one-at-a-time requests, so what a turn leaves running does not land in the next. */
    pause: { type: "string", default: "0" },
    /** Print the slowest N one-at-a-time first tokens of each Maestro route, with their split. */
    slowest: { type: "string", default: "0" },
    /**
     * Write a CPU profile of the Worker's workerd during the one-at-a-time requests here (a
     * .cpuprofile DevTools opens); --slowest then says where in it each slow request started.
     */
    "profile-out": { type: "string" },
  },
});
const REQUESTS = Number(flags.requests);
const PAUSE_MS = Number(flags.pause);
const SEQUENTIAL = planText(Number(flags.tokens), Number(flags.spacing), Number(flags.think));
const STREAM_TOKENS = Number(flags["stream-tokens"]);
const STREAMING = planText(STREAM_TOKENS, Number(flags["stream-spacing"]));
const LEVELS = flags.concurrency
  .split(",")
  .map(Number)
  .filter((level) => level > 0);
const WARM = planText(1, 0);
const PER_SESSION = Math.max(1, Number(flags["turns-per-session"]));
/** What the one-at-a-time requests carry before their question (none by default). */
const HISTORY = chatHistory(Number(flags["history-kb"]));

const out = (text: string) => process.stdout.write(text);
/** What a system added before the first token: its wait, less the time the upstream took to send it. */
const addedToFirstToken = (each: Reading): number => each.firstReceivedAt! - each.startedAt - (each.firstSentAt! - each.arrivedAt!);
/** Progress goes to stderr, so stdout holds only what the run measured. */
const progress = (text: string) => process.stderr.write(`… ${text} (load average ${loadavg()[0]!.toFixed(1)})\n`);
/** What went wrong first among some readings, for the errors column. */
function firstError(readings: readonly Reading[], tokens?: number): string {
  const failed = readings.find((each) => each.error !== undefined || (tokens !== undefined && each.tokens !== tokens));
  if (failed === undefined) return "";
  return ` (first: ${(failed.error ?? `${failed.tokens} of ${tokens} tokens`).slice(0, 120).replaceAll("|", "/")})`;
}
const cleanups: (() => Promise<unknown>)[] = [];
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
  (cleaning ??= (async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => out(`cleanup: ${String(error)}\n`));
  })());
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.once(signal, () => {
    out(`\n${signal}: stopping what the bench started…\n`);
    void cleanUp().then(() => process.exit(130));
  });

/** The upstream in its own Node process; resolves with its URL once it listens. */
async function startUpstream(): Promise<{ url: string; child: Child }> {
  let onPort: (port: number) => void = () => undefined;
  const port = new Promise<number>((resolve) => (onPort = resolve));
  const child = startChild("upstream", process.execPath, [resolveBin("tsx", "dist/cli.mjs"), "bench/gateway/upstream.ts"], {
    cwd: REPO_ROOT,
    onLine: (line) => {
      const match = /^listening (\d+)$/.exec(line);
      if (match !== null) onPort(Number(match[1]));
    },
    show: (line) => !line.startsWith("listening"),
  });
  cleanups.push(() => child.stop("SIGTERM"));
  const ready = await Promise.race([port, child.exited.then((code) => Promise.reject(new Error(`the upstream exited with ${code}`)))]);
  return { url: `http://127.0.0.1:${ready}`, child };
}

async function waitUntilServing(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const answered = await fetch(url).then(
      () => true,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer`);
}

/** How a client reaches The Maestro: the Worker's own port, or through wrangler dev's proxy. */
type Via = "" | ", through wrangler dev's proxy";
const FLOOR = "workerd relay (the runtime's floor)";
const FLOOR_SSE = "workerd relay (the runtime's floor), POST as SSE";
type System =
  | "direct"
  | `Portkey, ${PortkeyVariant}`
  | typeof FLOOR
  | typeof FLOOR_SSE
  | `The Maestro, session socket${Via}`
  | `The Maestro, POST …/messages as SSE${Via}`;
const VIA_PROXY: Via = ", through wrangler dev's proxy";
/** The floor's sessions need names, nothing more: each names the Durable Object that holds its socket. */
const floorSession = () => crypto.randomUUID() as SessionId;

try {
  const upstream = await startUpstream();
  const portkeys = new Map<PortkeyVariant, string>();
  if (!flags["no-portkey"]) {
    out(describePatches());
    for (const variant of ["as shipped", "first-chunk sleep removed"] as const) {
      const { portkey, remove } = await startPortkey(variant);
      cleanups.push(remove, () => portkey.child.stop("SIGTERM"));
      await waitUntilServing(portkey.url);
      portkeys.set(variant, portkey.url);
    }
  }
  let floor: RelayFloor | undefined;
  if (!flags["no-floor"]) {
    floor = await startRelayFloor(`${upstream.url}/v1/chat/completions`);
    cleanups.push(floor.stop);
  }
  const worker: LocalWorker = await startLocalWorker({
    name: "bench-gateway",
    // The embedded Postgres in a process of its own, as `npm run dev` runs it beside its clients:
    // in this one it would hold the thread the clients time every system's frames on.
    stackProcess: true,
    // Only what went wrong reaches the terminal: a line per request would bury the tables.
    showWorkerLine: (line) => /"level":"(warn|error)"|✘|\[ERROR\]/.test(line),
  });
  cleanups.push(() => worker.stop());
  const { origin: proxyOrigin, token, client } = worker;
  const found = await workerProcess(proxyOrigin);
  if (found === undefined) throw new Error("could not find the port where workerd serves the Worker itself");
  const origin = found.origin;
  const workerPids = [found.pid];
  const proxyPids = found.proxyPid === undefined ? [] : [found.proxyPid];
  const withProxy = !flags["no-proxy"];
  const rssAtStart = rssMb(workerPids);
  const proxyRssAtStart = rssMb(proxyPids);
  out(
    `upstream ${upstream.url}; The Maestro ${origin} (workerd pid ${found.pid}), through wrangler dev's proxy ${proxyOrigin} (workerd pid ${found.proxyPid ?? "not found"}); ` +
      `${REQUESTS} requests per system, ${SEQUENTIAL}${HISTORY.length === 0 ? "" : `, after a history of ${HISTORY.length} messages (${flags["history-kb"]} KB)`}; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores\n`,
  );

  const credential = await client.credentials.create({
    provider: "openai",
    auth_type: "api_key",
    label: "bench upstream",
    api_key: "bench",
    base_url: `${upstream.url}/v1`,
  });
  const newSession = async (): Promise<SessionId> =>
    (
      await client.sessions.create({
        provider: "openai",
        model: "gpt-4.1",
        credential_id: credential.id,
        approval_mode: "auto",
        enabled_tools: [],
      })
    ).id;

  /** A session for the one-at-a-time requests: holding HISTORY, when there is one. */
  const sequentialSession = async (): Promise<SessionId> =>
    HISTORY.length === 0 ? newSession() : (await client.sessions.import(sessionFile(HISTORY), { credential_id: credential.id })).id;

  // ── One request at a time, systems interleaved ──────────────────────────────────────────
  const sessionsPerRoute = Math.ceil(REQUESTS / PER_SESSION);
  const vias: [Via, string][] = withProxy
    ? [
        ["", origin],
        [VIA_PROXY, proxyOrigin],
      ]
    : [["", origin]];
  /** The runners that reach a Worker: the floor's routes, then The Maestro's (each way in). */
  const relayRunners: [System, (index: number, text: string) => Promise<Reading>][] = [];
  const sequentialSockets: { close: () => void }[] = [];
  if (floor !== undefined) {
    const floorOrigin = floor.origin;
    const sockets = await Promise.all(Array.from({ length: sessionsPerRoute }, () => maestroSocket(floorOrigin, "", floorSession())));
    sequentialSockets.push(...sockets);
    cleanups.push(async () => sockets.forEach((socket) => socket.close()));
    const sseIds = Array.from({ length: sessionsPerRoute }, floorSession);
    relayRunners.push(
      [FLOOR, (index, text) => sockets[Math.floor(index / PER_SESSION)]!.turn(text)],
      [FLOOR_SSE, (index, text) => maestroSse(floorOrigin, "", sseIds[Math.floor(index / PER_SESSION)]!, text)],
    );
  }
  for (const [via, viaOrigin] of vias) {
    const ids = await Promise.all(Array.from({ length: sessionsPerRoute }, sequentialSession));
    const sockets = await Promise.all(ids.map((id) => maestroSocket(viaOrigin, token, id)));
    sequentialSockets.push(...sockets);
    cleanups.push(async () => sockets.forEach((socket) => socket.close()));
    const sseIds = await Promise.all(Array.from({ length: sessionsPerRoute }, sequentialSession));
    relayRunners.push(
      [`The Maestro, session socket${via}`, (index, text) => sockets[Math.floor(index / PER_SESSION)]!.turn(text)],
      [
        `The Maestro, POST …/messages as SSE${via}`,
        (index, text) => maestroSse(viaOrigin, token, sseIds[Math.floor(index / PER_SESSION)]!, text),
      ],
    );
  }
  const runners = new Map<System, (index: number, text: string) => Promise<Reading>>([
    ["direct", (_index, text) => chatCompletion(upstream.url, {}, text, HISTORY)],
    ...[...portkeys].map(
      ([variant, url]) =>
        [
          `Portkey, ${variant}` as System,
          (_index: number, text: string) => chatCompletion(url, portkeyHeaders(upstream.url), text, HISTORY),
        ] as const,
    ),
    ...relayRunners,
  ]);
  const systems = [...runners.keys()];
  // Warm up every system, and every session once (its object starts, loads its history).
  for (let session = 0; session < sessionsPerRoute; session += 1) {
    for (const [system, run] of runners) {
      const index = session * PER_SESSION;
      const warm = await run(index, WARM);
      if (warm.error !== undefined) throw new Error(`${system}: warm-up failed: ${warm.error}`);
    }
  }
  progress(`${REQUESTS} requests per system, interleaved`);
  const profiler = flags["profile-out"] === undefined ? undefined : await startProfiler([...workerPids, ...proxyPids]);
  const readings = new Map<System, Reading[]>(systems.map((system) => [system, []]));
  for (let index = 0; index < REQUESTS; index += 1) {
    // Round robin, starting one further along each time, so no system always follows the same one.
    for (let step = 0; step < systems.length; step += 1) {
      const system = systems[(index + step) % systems.length]!;
      readings.get(system)!.push(await runners.get(system)!(index, SEQUENTIAL));
      if (PAUSE_MS > 0) await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }

  if (profiler !== undefined) writeFileSync(flags["profile-out"]!, JSON.stringify(await profiler.stop()));
  for (const socket of sequentialSockets) socket.close();

  /** The answers that arrived whole: what the added times are taken over. */
  const answered = (list: Reading[]) => list.filter((each) => each.error === undefined && each.tokens === Number(flags.tokens));
  const ms = (values: number[]) => {
    const summary = summarize(values);
    return `${fixed(summary.p50)} / ${fixed(summary.p99)} ms`;
  };
  out(
    `\n### One request at a time (${REQUESTS} per system, interleaved; upstream streams ${flags.tokens} tokens, ${flags.spacing} ms apart${Number(flags.think) > 0 ? `, the first ${flags.think} ms after the request arrived` : ""})\n\n` +
      `| | added time to first token p50 / p99 | added time to the end p50 / p99 | last token → turn_end p50 / p99 | errors |\n|---|---|---|---|---|\n`,
  );
  for (const [system, list] of readings) {
    const good = answered(list);
    const added = good.map(addedToFirstToken);
    const addedEnd = good.map((each) => each.endAt! - each.startedAt - (each.lastSentAt! - each.arrivedAt!));
    const tail =
      system.startsWith("The Maestro") || system.startsWith(FLOOR) ? ms(good.map((each) => each.endAt! - each.lastReceivedAt!)) : "—";
    out(
      `| ${system} | ${ms(added)} | ${ms(addedEnd)} | ${tail} | ${list.length - good.length}${firstError(list, Number(flags.tokens))} |\n`,
    );
  }
  // Where the added time to first token is spent: before the upstream has the request, and after it
  // sent its first token. Each side crosses the two processes' clocks (within a fraction of a
  // millisecond on one machine: direct's rows show it), so the two need not sum to the total exactly.
  // The upstream's own wait between the two is not counted in any system's added time; its tail is
  // the machine's (the upstream does nothing in it but answer), a yardstick for every tail above.
  out(
    `\n| of the added time to first token | send → the upstream has the request p50 / p99 | its first token → the client p50 / p99 | (not added: the upstream's own wait p50 / p99) |\n|---|---|---|---|\n`,
  );
  for (const [system, list] of readings) {
    const good = answered(list);
    out(
      `| ${system} | ${ms(good.map((each) => each.arrivedAt! - each.startedAt))} | ${ms(good.map((each) => each.firstReceivedAt! - each.firstSentAt!))} | ${ms(good.map((each) => each.firstSentAt! - each.arrivedAt!))} |\n`,
    );
  }
  const slowest = Number(flags.slowest);
  if (slowest > 0) {
    // The tail, request by request: which side of the upstream it is on, and when in the run it came.
    const runStart = profiler?.startedAt ?? Math.min(...[...readings.values()].flat().map((each) => each.startedAt));
    for (const [system, list] of readings) {
      if (!system.startsWith("The Maestro")) continue;
      const good = answered(list).map((each, index) => ({ each, index }));
      const added = ({ each }: (typeof good)[number]) => addedToFirstToken(each);
      out(
        `\nslowest first tokens, ${system}: added · send → upstream · first token → client · request # · at s${profiler === undefined ? "" : " (of the profile)"}\n`,
      );
      for (const entry of good.sort((a, b) => added(b) - added(a)).slice(0, slowest)) {
        const { each } = entry;
        out(
          `  ${fixed(added(entry))} · ${fixed(each.arrivedAt! - each.startedAt)} · ${fixed(each.firstReceivedAt! - each.firstSentAt!)} ms · #${entry.index} · ${fixed((each.startedAt - runStart) / 1000, 2)} s\n`,
        );
      }
    }
  }

  // ── Sessions woken from hibernation ─────────────────────────────────────────────────────
  const wokenCount = Number(flags.woken);
  if (wokenCount > 0) {
    // A person reads and types between turns: their session's object has hibernated (workerd
    // evicts an idle one after 10–30 s, as production does after ~10 s) and its next turn starts
    // from nothing — no history, no warm inputs, no Postgres connection. Each session answers one
    // turn, then sits idle; then each answers once more, one at a time, beside a direct request.
    const idleS = Number(flags.idle);
    progress(`${wokenCount} sessions: a turn each, then ${idleS} s idle`);
    const ids = await Promise.all(Array.from({ length: wokenCount }, sequentialSession));
    const sockets = await Promise.all(ids.map((id) => maestroSocket(origin, token, id)));
    cleanups.push(async () => sockets.forEach((socket) => socket.close()));
    for (const socket of sockets) {
      const warm = await socket.turn(WARM);
      if (warm.error !== undefined) throw new Error(`woken sessions: warm-up failed: ${warm.error}`);
    }
    await new Promise((resolve) => setTimeout(resolve, idleS * 1000));
    // Half of them are told someone is writing a second before the message comes, as the web UI
    // and the TUI do while their user types (`prepare`).
    const woken: Reading[] = [];
    const prepared: Reading[] = [];
    const beside: Reading[] = [];
    for (const [index, socket] of sockets.entries()) {
      beside.push(await chatCompletion(upstream.url, {}, SEQUENTIAL, HISTORY));
      if (index % 2 === 0) woken.push(await socket.turn(SEQUENTIAL));
      else {
        socket.prepare();
        await new Promise((resolve) => setTimeout(resolve, 1000));
        prepared.push(await socket.turn(SEQUENTIAL));
      }
    }
    for (const socket of sockets) socket.close();
    const addedFirst = (list: Reading[]) => list.filter((each) => each.error === undefined).map(addedToFirstToken);
    out(
      `\n### A session's first turn after ${idleS} s idle (${wokenCount} sessions, half told someone is writing first; one at a time; its object hibernated)\n\n` +
        `| | added time to first token p50 / p99 | errors |\n|---|---|---|\n` +
        `| direct | ${ms(addedFirst(beside))} | ${beside.length - addedFirst(beside).length}${firstError(beside)} |\n` +
        `| The Maestro, session socket, woken by the message | ${ms(addedFirst(woken))} | ${woken.length - addedFirst(woken).length}${firstError(woken)} |\n` +
        `| The Maestro, session socket, woken by \`prepare\` 1 s before | ${ms(addedFirst(prepared))} | ${prepared.length - addedFirst(prepared).length}${firstError(prepared)} |\n`,
    );
  }

  // ── Many sessions at once ───────────────────────────────────────────────────────────────
  const most = Math.max(0, ...LEVELS);
  const streamSessions = await Promise.all(Array.from({ length: most }, newSession));
  /** The sessions' sockets, through one way in at a time (a second socket per session would double every frame). */
  let streamSockets: Awaited<ReturnType<typeof maestroSocket>>[] = [];
  let streamVia: Via | undefined;
  const connect = async (via: Via) => {
    if (streamVia === via) return;
    for (const socket of streamSockets) socket.close();
    streamSockets = await Promise.all(streamSessions.map((id) => maestroSocket(via === "" ? origin : proxyOrigin, token, id)));
    streamVia = via;
  };
  cleanups.push(async () => streamSockets.forEach((socket) => socket.close()));
  await connect("");
  // The floor's sockets stay open beside The Maestro's (it has no other client to make way for).
  const floorSockets =
    floor === undefined ? [] : await Promise.all(Array.from({ length: most }, () => maestroSocket(floor.origin, "", floorSession())));
  cleanups.push(async () => floorSockets.forEach((socket) => socket.close()));
  progress(`${most} sessions: a first short turn each`);
  for (const sockets of [streamSockets, floorSockets])
    for (let from = 0; from < sockets.length; from += 25)
      await Promise.all(sockets.slice(from, from + 25).map((socket) => socket.turn(WARM)));
  const rssBefore = rssMb(workerPids);
  const proxyRssBefore = rssMb(proxyPids);
  const floorPids = floor === undefined ? [] : [floor.pid];
  const floorRssBefore = rssMb(floorPids);
  let floorRssPeak = Number.NaN;
  const pkUrl = portkeys.get("first-chunk sleep removed");
  interface Level {
    readonly system: string;
    readonly level: number;
    readonly readings: Reading[];
    readonly wallMs: number;
    /**
     * CPU during the level of the workerd that runs the Worker (The Maestro's or the floor's), and
     * of wrangler dev's proxy workerd.
     */
    readonly cpuMs?: { readonly worker: number; readonly proxy: number };
  }
  const levels: Level[] = [];
  let rssPeak = Number.NaN;
  let proxyRssPeak = Number.NaN;
  /** Which workerd a level's CPU and peak memory are read from: The Maestro's, the floor's, or none. */
  type Measured = "maestro" | "floor" | undefined;
  const run = async (system: string, level: number, start: () => Promise<Reading>[], measured?: Measured): Promise<Level> => {
    const pids = measured === "floor" ? { worker: floorPids, proxy: [] } : { worker: workerPids, proxy: proxyPids };
    const cpuBefore = { worker: cpuMs(pids.worker), proxy: cpuMs(pids.proxy) };
    const sampler = peakRss(pids.worker);
    const proxySampler = peakRss(pids.proxy);
    const started = performance.now();
    const all = await Promise.all(start());
    const wallMs = performance.now() - started;
    const peak = sampler.stop();
    const proxyPeak = proxySampler.stop();
    if (measured === "maestro" && level === most) {
      rssPeak = Math.max(peak, Number.isNaN(rssPeak) ? 0 : rssPeak);
      proxyRssPeak = Math.max(proxyPeak, Number.isNaN(proxyRssPeak) ? 0 : proxyRssPeak);
    }
    if (measured === "floor" && level === most) floorRssPeak = peak;
    const used = { worker: cpuMs(pids.worker) - cpuBefore.worker, proxy: cpuMs(pids.proxy) - cpuBefore.proxy };
    const result = { system, level, readings: all, wallMs, ...(measured !== undefined && { cpuMs: used }) };
    levels.push(result);
    return result;
  };
  for (const level of LEVELS) {
    progress(`${level} at once`);
    await run("direct", level, () => Array.from({ length: level }, () => chatCompletion(upstream.url, {}, STREAMING)));
    if (pkUrl !== undefined)
      await run("Portkey, first-chunk sleep removed", level, () =>
        Array.from({ length: level }, () => chatCompletion(pkUrl, portkeyHeaders(upstream.url), STREAMING)),
      );
    if (floorSockets.length > 0)
      await run(FLOOR, level, () => floorSockets.slice(0, level).map((socket) => socket.turn(STREAMING)), "floor");
    for (const [via] of vias) {
      progress(`${level} at once: The Maestro, session socket${via}`);
      await connect(via);
      await run(
        `The Maestro, session socket${via}`,
        level,
        () => streamSockets.slice(0, level).map((socket) => socket.turn(STREAMING)),
        "maestro",
      );
    }
  }
  for (const socket of [...streamSockets, ...floorSockets]) socket.close();
  const settleS = Number(flags.settle);
  progress(`waiting ${settleS} s for workerd to settle`);
  await new Promise((resolve) => setTimeout(resolve, settleS * 1000));
  const rssAfter = rssMb(workerPids);
  const proxyRssAfter = rssMb(proxyPids);
  const floorRssAfter = rssMb(floorPids);

  out(
    `\n### Many sessions at once (each streams ${STREAM_TOKENS} tokens, ${flags["stream-spacing"]} ms apart)\n\n` +
      `| sessions | system | token delivery p50 / p99 | turn time p50 / p99 | turn time p50 vs direct | errors | tokens/s (all sessions) | per session | workerd CPU per token: the Worker's + the proxy's |\n|---|---|---|---|---|---|---|---|---|\n`,
  );
  // Per token, not per frame: The Maestro sends what one upstream read brought as one frame, so a
  // busy Worker sends fewer frames than the upstream sent tokens.
  const tokensOf = (level: Level) => level.readings.reduce((sum, each) => sum + each.tokens, 0);
  const tokensPerSecond = (level: Level) => tokensOf(level) / (level.wallMs / 1000);
  for (const level of levels) {
    const turnTimes = level.readings.map((each) => (each.endAt ?? Number.NaN) - each.startedAt);
    const direct = levels.find((other) => other.system === "direct" && other.level === level.level);
    const directP50 = summarize((direct?.readings ?? []).map((each) => (each.endAt ?? Number.NaN) - each.startedAt)).p50;
    const errors = level.readings.filter((each) => each.error !== undefined || each.tokens !== STREAM_TOKENS).length;
    const perEvent = (ms: number) => `${fixed((ms * 1000) / tokensOf(level), 0)} µs`;
    const cpu = level.cpuMs === undefined ? "—" : `${perEvent(level.cpuMs.worker)} + ${perEvent(level.cpuMs.proxy)}`;
    out(
      `| ${level.level} | ${level.system} | ${ms(level.readings.flatMap((each) => each.delivery))} | ${fixed(summarize(turnTimes).p50 / 1000, 2)} / ${fixed(summarize(turnTimes).p99 / 1000, 2)} s | ` +
        `${fixed(summarize(turnTimes).p50 / directP50, 2)}× | ${errors}${firstError(level.readings, STREAM_TOKENS)} | ${fixed(tokensPerSecond(level), 0)} | ${fixed(tokensPerSecond(level) / level.level, 1)} | ${cpu} |\n`,
    );
  }
  // When a turn's late tokens come: its first second (the turn's start, all sessions at once) or later.
  const early = Math.round(1000 / Number(flags["stream-spacing"]));
  out(`\n| token delivery, by where in the turn | its first ${early} tokens p50 / p99 | the rest p50 / p99 |\n|---|---|---|\n`);
  for (const level of levels)
    out(
      `| ${level.level}, ${level.system} | ${ms(level.readings.flatMap((each) => each.delivery.slice(0, early)))} | ` +
        `${ms(level.readings.flatMap((each) => each.delivery.slice(early)))} |\n`,
    );
  // When the thread fell behind and how long it took to catch up: delivery by when the upstream sent
  // the token, from the moment the level's turns were sent.
  const BUCKET_MS = 500;
  const atMost = levels.filter((level) => level.level === most);
  const buckets = atMost.map((level) => {
    const began = Math.min(...level.readings.map((each) => each.startedAt));
    const byBucket: number[][] = [];
    for (const each of level.readings)
      each.sentAt.forEach((sentAt, index) => (byBucket[Math.floor((sentAt - began) / BUCKET_MS)] ??= []).push(each.delivery[index]!));
    return byBucket;
  });
  out(
    `\n| token delivery at ${most} sessions, by when the upstream sent it | ${atMost.map((level) => `${level.system} p50 / p99`).join(" | ")} |\n` +
      `|---|${atMost.map(() => "---|").join("")}\n`,
  );
  for (let index = 0; index < Math.max(...buckets.map((each) => each.length)); index += 1)
    out(
      `| ${fixed((index * BUCKET_MS) / 1000, 1)}–${fixed(((index + 1) * BUCKET_MS) / 1000, 1)} s | ` +
        `${buckets.map((byBucket) => ms(byBucket[index] ?? [])).join(" | ")} |\n`,
    );
  for (const [via] of vias) {
    const low = levels.find((level) => level.system === `The Maestro, session socket${via}` && level.level === Math.min(...LEVELS));
    const high = levels.find((level) => level.system === `The Maestro, session socket${via}` && level.level === most);
    if (low !== undefined && high !== undefined && low !== high)
      out(
        `\nLinearity (The Maestro${via}): tokens/s at ${high.level} sessions ÷ at ${low.level} = ${fixed(tokensPerSecond(high) / tokensPerSecond(low), 2)}× ` +
          `for ${fixed(high.level / low.level, 0)}× the load (per session: ${fixed(tokensPerSecond(high) / high.level / (tokensPerSecond(low) / low.level), 2)}; 1.00 is linear)\n`,
      );
  }
  out(
    `\nwrangler dev's proxy workerd RSS (dev only, not in the Worker's numbers): ${fixed(proxyRssAtStart, 0)} MB at start, ${fixed(proxyRssBefore, 0)} MB idle, ` +
      `${fixed(proxyRssPeak, 0)} MB peak, ${fixed(proxyRssAfter, 0)} MB ${settleS} s after\n` +
      `The Worker's workerd RSS: ${fixed(rssAtStart, 0)} MB at start, ${fixed(rssBefore, 0)} MB idle before the runs, ${fixed(rssPeak, 0)} MB peak during ${most} sessions, ` +
      `${fixed(rssAfter, 0)} MB ${settleS} s after they ended (${fixed((rssAfter / rssAtStart - 1) * 100, 0)} % over the start, ` +
      `${fixed((rssAfter / rssBefore - 1) * 100, 0)} % over idle before the runs); ` +
      `load average at the end ${loadavg()[0]!.toFixed(1)}\n`,
  );
  if (floor !== undefined) {
    // The goals against what workerd itself costs in this run: the floor's row is the runtime's
    // share of each number, and what is above it is The Maestro's.
    const firstToken = (system: System) => summarize(answered(readings.get(system) ?? []).map(addedToFirstToken));
    const atMostOf = (system: string) => atMost.find((level) => level.system === system);
    const delivery = (level: Level | undefined) => summarize((level?.readings ?? []).flatMap((each) => each.delivery));
    const cpuPerToken = (level: Level | undefined) =>
      level?.cpuMs === undefined ? Number.NaN : (level.cpuMs.worker * 1000) / tokensOf(level);
    const rows: [string, number, number, string][] = [];
    for (const [route, atFloor] of [
      ["The Maestro, session socket", FLOOR],
      ["The Maestro, POST …/messages as SSE", FLOOR_SSE],
    ] as const) {
      const first = firstToken(route);
      const floorFirst = firstToken(atFloor);
      rows.push([`added time to first token p50, one at a time (${route.slice(13)})`, floorFirst.p50, first.p50, "ms"]);
      rows.push([`added time to first token p99, one at a time (${route.slice(13)})`, floorFirst.p99, first.p99, "ms"]);
    }
    const floorLevel = atMostOf(FLOOR);
    const maestroLevel = atMostOf("The Maestro, session socket");
    if (floorLevel !== undefined && maestroLevel !== undefined) {
      rows.push([`token delivery p50 at ${most} sessions`, delivery(floorLevel).p50, delivery(maestroLevel).p50, "ms"]);
      rows.push([`token delivery p99 at ${most} sessions`, delivery(floorLevel).p99, delivery(maestroLevel).p99, "ms"]);
      rows.push([`workerd CPU per token at ${most} sessions`, cpuPerToken(floorLevel), cpuPerToken(maestroLevel), "µs"]);
      rows.push([`workerd RSS peak at ${most} sessions`, floorRssPeak, rssPeak, "MB"]);
    }
    out(
      `\nThe floor's workerd RSS: ${fixed(floorRssBefore, 0)} MB idle before the runs, ${fixed(floorRssPeak, 0)} MB peak during ${most} sessions, ${fixed(floorRssAfter, 0)} MB ${settleS} s after\n` +
        `\n### Against the runtime's floor (the same run)\n\n| | ${FLOOR} | The Maestro | above the floor |\n|---|---|---|---|\n` +
        rows
          .map(
            ([what, atFloor, maestro, unit]) =>
              `| ${what} | ${fixed(atFloor)} ${unit} | ${fixed(maestro)} ${unit} | ${fixed(maestro - atFloor)} ${unit} (${fixed(maestro / atFloor, 2)}×) |\n`,
          )
          .join(""),
    );
  }
} finally {
  await cleanUp();
}
