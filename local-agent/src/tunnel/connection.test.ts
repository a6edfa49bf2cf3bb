// Proves, against a loopback stand-in for the Worker: the agent dials with its token, without
// per-message compression, and registers; reconnects after a failure with a delay that is a random fraction of a ceiling that
// doubles up to the max (starting again after a registration); answers pings with pongs; treats
// a tunnel silent past its limit as dead and dials again; gives up for good on a refused token
// (401), a revoked one (4001) or a tunnel taken over by another agent with the token (4000); keeps a result that finished while the tunnel was down,
// delivering it (and naming the call in `register`) once it is back.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ToolOutcome, TunnelCallIdSchema } from "@maestro/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LogFields, Logger } from "../log.ts";
import { Roots } from "../sandbox/roots.ts";
import { type FakeWorker, startFakeWorker } from "../testing/fake-worker.ts";
import { type ConnectionOptions, TunnelConnection } from "./connection.ts";
import { Dispatcher } from "./dispatcher.ts";

const TOKEN = "mae_agent_abcdefghijklmnopqrstuvwx";

let worker: FakeWorker;
let root: string;
let events: { level: string; event: string; fields: LogFields }[];
let connection: TunnelConnection | undefined;
let fatal: string[];

const log: Logger = {
  info: (event, fields = {}) => events.push({ level: "info", event, fields }),
  warn: (event, fields = {}) => events.push({ level: "warn", event, fields }),
  error: (event, fields = {}) => events.push({ level: "error", event, fields }),
};

const retryDelays = () => events.filter((entry) => entry.event === "tunnel.disconnected").map((entry) => entry.fields.retry_in_ms);

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function connect(
  options: Partial<ConnectionOptions> = {},
  runTool: (name: string) => Promise<ToolOutcome> = async () => ({ ok: true, output: "done" }),
): Promise<TunnelConnection> {
  const started = new TunnelConnection({
    url: worker.url,
    token: TOKEN,
    registration: { name: "test-laptop", version: "0.1.0", roots: [root], tools: [], mcp: [] },
    log,
    onFatal: (reason) => fatal.push(reason),
    backoff: { baseMs: 20, maxMs: 80 },
    ...options,
  });
  const dispatcher = new Dispatcher({
    roots: await Roots.create([root]),
    mcp: { owns: () => false, call: async () => ({ ok: true, output: "" }) },
    runTool,
    send: (frame) => started.send(frame),
    log,
  });
  started.start(dispatcher);
  connection = started;
  return started;
}

beforeEach(async () => {
  worker = await startFakeWorker();
  root = realpathSync(mkdtempSync(join(tmpdir(), "tunnel-")));
  events = [];
  fatal = [];
});

afterEach(async () => {
  connection?.stop();
  connection = undefined;
  await worker.close();
  rmSync(root, { recursive: true, force: true });
});

describe("tunnel connection", () => {
  it("dials with the agent token and registers what it offers", async () => {
    const agent = await connect();
    const register = await (await worker.connection(0)).next("register");
    expect(register).toMatchObject({ name: "test-laptop", version: "0.1.0", roots: [root], running: [] });
    expect(worker.attempts[0]?.authorization).toBe(`Bearer ${TOKEN}`);
    // Frames go uncompressed: inflating each one would put a thread-pool round trip on every call.
    expect(worker.attempts[0]?.extensions).toBeUndefined();
    await agent.whenConnected();
    expect(agent.connected).toBe(true);
  });

  it("backs off with a random fraction of a doubling ceiling, and starts again after registering", async () => {
    // Draws of 1 read the ceilings themselves; the 0.5 after the reset shows the jitter applied.
    const draws = [1, 1, 1, 1, 1, 0.5];
    worker.refuseWith(503);
    const agent = await connect({ random: () => draws.shift() ?? 1 });
    await until(() => worker.attempts.length === 5, "five refused dials");
    worker.refuseWith(undefined);
    await agent.whenConnected();
    expect(retryDelays()).toEqual([20, 40, 80, 80, 80]);
    const gaps = worker.attempts.slice(1).map((attempt, index) => attempt.at - (worker.attempts[index]?.at ?? 0));
    // The waits really happen (timers may fire late, never early).
    const waited = [20, 40, 80, 80];
    expect(gaps.slice(0, 4).every((gap, index) => gap >= (waited[index] ?? 0) - 5)).toBe(true);

    (await worker.connection(0)).drop();
    await worker.connection(1);
    expect(retryDelays().at(-1)).toBe(10);
  });

  it("answers the Worker's ping with a pong carrying the same nonce", async () => {
    await connect();
    const server = await worker.connection(0);
    await server.next("register");
    server.send({ type: "ping", nonce: "n-42" });
    expect(await server.next("pong")).toEqual({ type: "pong", nonce: "n-42" });
  });

  it("treats a tunnel silent past its limit as dead and dials again; pings keep it alive", async () => {
    const agent = await connect({ silenceLimitMs: 150 });
    const quiet = await worker.connection(0);
    await quiet.closed;
    await worker.connection(1);
    expect(events.map((entry) => entry.event)).toContain("tunnel.silent");

    const pinged = await worker.connection(1);
    const pinger = setInterval(() => pinged.send({ type: "ping", nonce: "keep" }), 40);
    await new Promise((resolve) => setTimeout(resolve, 600));
    clearInterval(pinger);
    expect(worker.connections).toHaveLength(2);
    expect(agent.registrations).toBe(2);
  });

  it("gives up for good when the token is refused at the upgrade (401)", async () => {
    worker.refuseWith(401);
    await connect();
    await until(() => fatal.length === 1, "onFatal");
    expect(fatal[0]).toContain("refused the agent token");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(worker.attempts).toHaveLength(1);
  });

  it("gives up for good when the Worker closes with 4001 (token revoked)", async () => {
    await connect();
    const server = await worker.connection(0);
    await server.next("register");
    server.close(4001, "agent token revoked");
    await until(() => fatal.length === 1, "onFatal");
    expect(fatal[0]).toContain("revoked");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(worker.attempts).toHaveLength(1);
  });

  it("stops, instead of fighting over the tunnel, when another agent with the same token replaced it (4000)", async () => {
    await connect();
    const server = await worker.connection(0);
    await server.next("register");
    server.close(4000, "replaced by a newer connection");
    await until(() => fatal.length === 1, "onFatal");
    expect(fatal[0]).toContain("another maestro-agent connected with the same agent token");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(worker.attempts).toHaveLength(1);
  });

  it("delivers a result that finished while the tunnel was down once it is back", async () => {
    let finish: (outcome: ToolOutcome) => void = () => undefined;
    const running = new Promise<ToolOutcome>((resolve) => (finish = resolve));
    const agent = await connect({ backoff: { baseMs: 300, maxMs: 300 }, random: () => 1 }, () => running);
    const first = await worker.connection(0);
    await first.next("register");
    const id = TunnelCallIdSchema.parse("call-offline");
    first.send({ type: "call", id, tool: "run_shell_command", params: { command: "make" }, cwd: null, deadline: Date.now() + 30_000 });
    await until(() => (connection?.connected ?? false) && events.some((entry) => entry.event === "call.start"), "the call to start");
    first.drop();
    await until(() => !agent.connected, "the agent to notice the drop");
    finish({ ok: true, output: "built while offline" });

    const second = await worker.connection(1);
    expect(await second.next("register")).toMatchObject({ running: [id] });
    expect(await second.next("result")).toMatchObject({ id, outcome: { ok: true, output: "built while offline" } });
    expect(first.frames.some((frame) => frame.type === "result")).toBe(false);
    // Delivered once: nothing is left to send again at the next reconnect.
    second.drop();
    const third = await worker.connection(2);
    expect(await third.next("register")).toMatchObject({ running: [] });
  });
});
