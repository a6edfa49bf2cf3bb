/**
 * Benchmark (issue 3): time to first token and events per second of a streamed turn, read
 * through The Maestro (WebSocket client ← SessionDO ← provider simulator) against the same
 * simulator read directly by the provider module; sequential turns, then many sessions at once.
 * Everything runs locally as `npm run dev` does (wrangler dev, PGlite, the Upstash stand-in).
 *
 *   npm run bench -- [--turns 200] [--sessions 100] [--words 300]
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import type { SessionId } from "@maestro/protocol";
import { WebSocket } from "ws";
import { anthropic } from "../worker/src/providers/anthropic.ts";
import { startLocalWorker } from "../worker/local/local-worker.ts";
import { registerScript } from "../worker/test/simulators/client.ts";
import type { TurnInput } from "../worker/test/simulators/script.ts";
import { fixed, summarize } from "./stats.ts";

const { values: flags } = parseArgs({
  options: {
    turns: { type: "string", default: "200" },
    sessions: { type: "string", default: "100" },
    words: { type: "string", default: "300" },
  },
});
const TURNS = Number(flags.turns);
const SESSIONS = Number(flags.sessions);
const TURN: TurnInput = { steps: [{ kind: "text", text: "word ".repeat(Number(flags.words)).trim() }] };
const MODEL = "claude-sonnet-4-5";

interface Measure {
  readonly ttftMs: number;
  readonly eventsPerSecond: number;
}

/** One turn read straight from the simulator through the provider module (no Maestro). */
async function direct(simulatorUrl: string, key: string): Promise<Measure> {
  const started = performance.now();
  let first = 0;
  let events = 0;
  const context = {
    credential: { apiKey: key, baseUrl: simulatorUrl },
    signal: new AbortController().signal,
    fetch,
    sessionKey: "bench",
    exchange: {},
  };
  for await (const event of anthropic.stream(
    { model: MODEL, system: "bench", messages: [{ role: "user", content: [{ type: "text", text: "go" }] }], tools: [] },
    context,
  )) {
    events += 1;
    if (first === 0 && event.type === "text_delta") first = performance.now();
  }
  const ended = performance.now();
  return { ttftMs: first - started, eventsPerSecond: events / ((ended - first) / 1000) };
}

/** A socket on a session, and a way to run one turn through it. */
async function connect(origin: string, token: string, sessionId: SessionId) {
  const socket = new WebSocket(`${origin.replace("http", "ws")}/api/v1/sessions/${sessionId}/socket`, {
    headers: { authorization: `Bearer ${token}` },
  });
  let onFrame: (frame: { type: string; event?: { type: string } }) => void = () => undefined;
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
  const turn = () =>
    new Promise<Measure>((resolve) => {
      const started = performance.now();
      let first = 0;
      let events = 0;
      onFrame = (frame) => {
        if (frame.type === "event") {
          events += 1;
          if (first === 0 && frame.event?.type === "text_delta") first = performance.now();
        }
        if (frame.type === "turn_end") resolve({ ttftMs: first - started, eventsPerSecond: events / ((performance.now() - first) / 1000) });
      };
      socket.send(JSON.stringify({ type: "send", text: "go" }));
    });
  return { turn, close: () => socket.close() };
}

/** One turn through `POST /sessions/:id/messages` as server-sent events (the API's streaming route). */
async function sse(origin: string, token: string, sessionId: SessionId): Promise<Measure> {
  const started = performance.now();
  const response = await fetch(`${origin}/api/v1/sessions/${sessionId}/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ text: "go" }),
  });
  if (response.body === null) throw new Error(`no stream: ${response.status}`);
  const decoder = new TextDecoder();
  let buffered = "";
  let first = 0;
  let events = 0;
  let ended = 0;
  for await (const chunk of response.body) {
    buffered += decoder.decode(chunk, { stream: true });
    let cut = buffered.indexOf("\n\n");
    while (cut >= 0) {
      const block = buffered.slice(0, cut);
      buffered = buffered.slice(cut + 2);
      cut = buffered.indexOf("\n\n");
      if (block.startsWith("event: event")) {
        events += 1;
        if (first === 0 && block.includes('"text_delta"')) first = performance.now();
      }
      if (block.startsWith("event: turn_end")) ended = performance.now();
    }
  }
  return { ttftMs: first - started, eventsPerSecond: events / (((ended || performance.now()) - first) / 1000) };
}

function report(label: string, base: Measure[], maestro: Measure[]): void {
  const ttftBase = summarize(base.map((measure) => measure.ttftMs));
  const ttft = summarize(maestro.map((measure) => measure.ttftMs));
  const epsBase = summarize(base.map((measure) => measure.eventsPerSecond));
  const eps = summarize(maestro.map((measure) => measure.eventsPerSecond));
  process.stdout.write(
    `\n${label} (${maestro.length} turns)\n` +
      `  time to first token  direct p50 ${fixed(ttftBase.p50)} ms  p99 ${fixed(ttftBase.p99)} ms | Maestro p50 ${fixed(ttft.p50)} ms  p99 ${fixed(ttft.p99)} ms | ratio p50 ${fixed(ttft.p50 / ttftBase.p50, 2)}×  p99 ${fixed(ttft.p99 / ttftBase.p99, 2)}×\n` +
      `  events per second    direct p50 ${fixed(epsBase.p50, 0)}  p99(slowest 1%) ${fixed(summarize(base.map((m) => -m.eventsPerSecond)).p99 * -1, 0)} | Maestro p50 ${fixed(eps.p50, 0)}  p99(slowest 1%) ${fixed(summarize(maestro.map((m) => -m.eventsPerSecond)).p99 * -1, 0)} | ratio p50 ${fixed(eps.p50 / epsBase.p50, 2)}×\n`,
  );
}

const worker = await startLocalWorker({ name: "bench-worker", stackProcess: true });
const { origin, token, simulator, stack, client } = worker;
try {
  const sessionFor = async (turns: number) => {
    const key = `bench-${randomUUID()}`;
    await registerScript(
      simulator.url,
      key,
      Array.from({ length: turns }, () => TURN),
    );
    const credential = await client.credentials.create({
      provider: "anthropic",
      auth_type: "api_key",
      label: "bench",
      api_key: key,
      base_url: simulator.url,
    });
    const session = await client.sessions.create({
      provider: "anthropic",
      model: MODEL,
      credential_id: credential.id,
      approval_mode: "auto",
      enabled_tools: [],
    });
    return { key, session };
  };
  process.stdout.write(`postgres: ${stack.database}; redis: ${stack.redisBackend}; turn: ${flags.words} words\n`);

  // Sequential turns.
  const directKey = `bench-direct-${randomUUID()}`;
  await registerScript(
    simulator.url,
    directKey,
    Array.from({ length: TURNS + 10 }, () => TURN),
  );
  for (let warm = 0; warm < 10; warm += 1) await direct(simulator.url, directKey);
  const baseline: Measure[] = [];
  for (let index = 0; index < TURNS; index += 1) baseline.push(await direct(simulator.url, directKey));
  const { session } = await sessionFor(TURNS + 10);
  const socket = await connect(origin, token, session.id);
  for (let warm = 0; warm < 10; warm += 1) await socket.turn();
  const through: Measure[] = [];
  for (let index = 0; index < TURNS; index += 1) through.push(await socket.turn());
  socket.close();
  report("One session, turn after turn", baseline, through);

  // The same through the API's streaming route (issue 15: within 1 ms of the socket).
  const { session: apiSession } = await sessionFor(TURNS + 10);
  for (let warm = 0; warm < 10; warm += 1) await sse(origin, token, apiSession.id);
  const streamed: Measure[] = [];
  for (let index = 0; index < TURNS; index += 1) streamed.push(await sse(origin, token, apiSession.id));
  report("One session, turn after turn, POST …/messages as SSE", baseline, streamed);

  // Many sessions at once.
  const many = await Promise.all(Array.from({ length: SESSIONS }, () => sessionFor(2)));
  const sockets = await Promise.all(many.map(({ session: each }) => connect(origin, token, each.id)));
  await Promise.all(sockets.map((each) => each.turn()));
  const directKeys = await Promise.all(
    Array.from({ length: SESSIONS }, async () => {
      const key = `bench-direct-${randomUUID()}`;
      await registerScript(simulator.url, key, [TURN]);
      return key;
    }),
  );
  const concurrentStart = performance.now();
  const concurrentBase = await Promise.all(directKeys.map((key) => direct(simulator.url, key)));
  const baseWall = performance.now() - concurrentStart;
  const maestroStart = performance.now();
  const concurrent = await Promise.all(sockets.map((each) => each.turn()));
  const maestroWall = performance.now() - maestroStart;
  for (const each of sockets) each.close();
  report(`${SESSIONS} sessions streaming at once`, concurrentBase, concurrent);
  const totalEvents = Number(flags.words) + 3;
  process.stdout.write(
    `  all ${SESSIONS} turns done in  direct ${fixed(baseWall, 0)} ms | Maestro ${fixed(maestroWall, 0)} ms | ratio ${fixed(maestroWall / baseWall, 2)}× ` +
      `(≈ ${fixed((SESSIONS * totalEvents) / (maestroWall / 1000), 0)} events/s delivered in total)\n`,
  );
} finally {
  await worker.stop();
}
