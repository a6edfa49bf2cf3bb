/**
 * The runtime's own floor for issue 15 goal 3: what workerd's CPU per streamed frame is when the
 * Worker does nothing but relay. The relay of bench/gateway/floor.ts (a Worker and a Durable Object
 * per session, run by the same `wrangler dev` as the benchmarks) reads a paced SSE upstream and
 * sends one JSON frame per upstream read to a hibernatable session socket, routed through the
 * Worker as The Maestro's are. Compare its µs/frame with `bench/stream-load.ts`'s µs/event on the
 * same machine: the difference is what The Maestro's own code costs per token. Each token carries
 * the upstream's send time, so the floor's token delivery (p50 / p99) compares with bench:gateway's
 * too (which runs the same floor beside The Maestro, one at a time and at each level).
 *
 *   npx tsx bench/relay-floor.ts [--sessions 50] [--words 200] [--delay 20] [--profile]
 *
 * It also prints the relaying workerd's RSS (at start, after one warm-up turn per session, and at
 * the peak of the measured turns): the runtime's own memory for N live sockets and objects, beside
 * stream-load's for The Maestro's (issue 15 goal 4).
 */
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { WebSocket } from "ws";
import { startRelayFloor } from "./gateway/floor.ts";
import { now, stampsIn } from "./gateway/upstream.ts";
import { cpuMs, peakRss, rssMb, workerdPids } from "./gateway/workerd.ts";
import { type CpuProfile, Inspector, inspectorOf } from "./inspector.ts";
import { fixed, summarize } from "./stats.ts";

const { values: flags } = parseArgs({
  options: {
    sessions: { type: "string", default: "50" },
    words: { type: "string", default: "200" },
    delay: { type: "string", default: "20" },
    /** Print where workerd's CPU went during the measured turns (compare with stream-load --profile). */
    profile: { type: "boolean", default: false },
  },
});
const SESSIONS = Number(flags.sessions);
const WORDS = Number(flags.words);
const DELAY = Number(flags.delay);

/** Token `index`, stamped as bench:gateway's upstream stamps it (when it was sent), so a client can tell how late it came. */
const frame = (index: number) =>
  `event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: `t${index}@${now().toFixed(3)} ` } })}\n\n`;
const upstream = createServer((_request, response) => {
  response.writeHead(200, { "content-type": "text/event-stream" });
  let sent = 0;
  const timer = setInterval(() => {
    response.write(frame(sent));
    sent += 1;
    if (sent === WORDS) {
      clearInterval(timer);
      response.end();
    }
  }, DELAY);
});
await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}/`;

const floor = await startRelayFloor(upstreamUrl);
try {
  const sockets = await Promise.all(
    Array.from(
      { length: SESSIONS },
      (_, index) =>
        new Promise<WebSocket>((resolve, reject) => {
          // Through wrangler dev's proxy, as bench/stream-load.ts reaches The Maestro.
          const socket = new WebSocket(`${floor.proxyOrigin.replace("http", "ws")}/api/v1/sessions/${index}/socket`);
          socket.once("open", () => resolve(socket));
          socket.once("error", reject);
        }),
    ),
  );
  /** Receive − send of every token of the measured turns, ms. */
  const delivery: number[] = [];
  const turn = (socket: WebSocket) =>
    new Promise<number>((resolve) => {
      let frames = 0;
      socket.on("message", (data: Buffer) => {
        frames += 1;
        const text = data.toString("utf8");
        const at = now();
        for (const stamp of stampsIn(text)) delivery.push(at - stamp.sentAt);
        if (text.startsWith('{"type":"turn_end"')) {
          socket.removeAllListeners("message");
          resolve(frames);
        }
      });
      socket.send(JSON.stringify({ type: "send", text: "relay" }));
    });
  const pid = floor.pid;
  const rssAtStart = rssMb([pid]);
  await Promise.all(sockets.map(turn)); // warm-up
  delivery.length = 0;
  const rssIdle = rssMb([pid]);
  const rssSampler = peakRss([pid]);
  const inspector = flags.profile ? await Inspector.open(await inspectorOf(workerdPids())) : undefined;
  if (inspector !== undefined) {
    await inspector.call("Profiler.enable");
    await inspector.call("Profiler.setSamplingInterval", { interval: 200 });
    await inspector.call("Profiler.start");
  }
  const cpu0 = cpuMs([pid]);
  const started = performance.now();
  const frames = (await Promise.all(sockets.map(turn))).reduce((sum, each) => sum + each, 0);
  const cpu = cpuMs([pid]) - cpu0;
  const wall = performance.now() - started;
  const rssPeak = rssSampler.stop();
  if (inspector !== undefined) {
    const { profile } = await inspector.call<{ profile: CpuProfile }>("Profiler.stop");
    process.stdout.write(`CPU by function (self time):\n${Inspector.summarizeProfile(profile, 25)}\n`);
    inspector.close();
  }
  for (const socket of sockets) socket.close();
  const late = summarize(delivery);
  process.stdout.write(
    `relay floor: ${SESSIONS} sessions × ${WORDS} frames every ${DELAY} ms, all done ${fixed(wall, 0)} ms\n` +
      `  workerd CPU ${fixed(cpu / 1000, 2)} s for ${frames} frames = ${fixed((cpu * 1000) / frames, 1)} µs/frame\n` +
      `  token delivery (upstream sent → client has it) p50 ${fixed(late.p50, 1)} ms  p99 ${fixed(late.p99, 1)} ms\n` +
      `  workerd RSS ${fixed(rssAtStart, 0)} MB at start, ${fixed(rssIdle, 0)} MB after the warm-up turns, ${fixed(rssPeak, 0)} MB peak\n`,
  );
} finally {
  await floor.stop();
  upstream.close();
}
