// Proves, end to end on loopback with a real `maestro-agent` process and `wrangler dev`: presence
// tells the truth about an agent that is stopped (SIGSTOP: its TCP connection stays open, as a
// sleeping laptop's does). Within 10 s GET /agents says it is offline; a call from a session set
// to fail gets AGENT_OFFLINE at once; a call from a session set to wait shows "waiting for
// laptop (offline)" and runs once the agent is back. And a laptop asleep for 90 s in the middle
// of work resumes it: a read handed over just as it fell asleep (its deadline, 60 s, shorter than
// the sleep) is sent again and completes, and a command it was running is not run a second time.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AgentId,
  type CreateSessionBody,
  type SessionToClient,
  SessionToClientSchema,
  type StreamEvent,
  decodeFrame,
  encodeFrame,
} from "@maestro/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type Child, startChild } from "../../local/child-process.ts";
import { type LocalWorker, scriptedSessionOn, startLocalWorker } from "../../local/local-worker.ts";
import { REPO_ROOT } from "../../local/wrangler.ts";
import type { TurnInput } from "../simulators/script.ts";

const ASLEEP_MS = 90_000;

let worker: LocalWorker;
let sandbox: string | undefined;
let project: string;
let agentProcess: Child | undefined;
let agentId: AgentId;
let stopped = false;

interface Watcher {
  readonly frames: SessionToClient[];
  turnEnd(timeoutMs?: number): Promise<Extract<SessionToClient, { type: "turn_end" }>>;
  send(frame: unknown): void;
  close(): void;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function watch(sessionId: string): Promise<Watcher> {
  const socket = new WebSocket(`${worker.origin.replace("http", "ws")}/api/v1/sessions/${sessionId}/socket`, {
    headers: { authorization: `Bearer ${worker.token}` },
  });
  const frames: SessionToClient[] = [];
  socket.on("message", (data: Buffer) => {
    const decoded = decodeFrame(SessionToClientSchema, data.toString("utf8"));
    if (decoded.ok) frames.push(decoded.value);
  });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(encodeFrame({ type: "hello", protocol_version: 1, client: "web" }));
  await until("the snapshot", () => frames.find((frame) => frame.type === "snapshot"));
  return {
    frames,
    send: (frame) => socket.send(JSON.stringify(frame)),
    turnEnd: (timeoutMs = 30_000) =>
      until(
        "turn_end",
        () => frames.find((frame) => frame.type === "turn_end") as Extract<SessionToClient, { type: "turn_end" }>,
        timeoutMs,
      ),
    close: () => socket.close(),
  };
}

const events = (watcher: Watcher): StreamEvent[] => watcher.frames.flatMap((frame) => (frame.type === "event" ? [frame.event] : []));
const results = (watcher: Watcher) => events(watcher).filter((event) => event.type === "tool_result");
const statuses = (watcher: Watcher) =>
  events(watcher).flatMap((event) => (event.type === "tool_progress" && event.status ? [event.status] : []));

const call = (id: string, name: string, args: Record<string, unknown>): TurnInput => ({
  steps: [{ kind: "tool_calls", calls: [{ id, name, args }] }],
});
const say = (text: string): TurnInput => ({ steps: [{ kind: "text", text }] });

async function startTurn(turns: TurnInput[], extra: Partial<CreateSessionBody> = {}): Promise<Watcher> {
  const { session } = await scriptedSessionOn(worker, turns, { agent_id: agentId, working_directory: project, ...extra });
  const watcher = await watch(session.id);
  watcher.send({ type: "send", text: "go" });
  return watcher;
}

async function connected(): Promise<boolean | undefined> {
  return (await worker.client.agents.list()).data.find((entry) => entry.id === agentId)?.connected;
}

function signal(name: "SIGSTOP" | "SIGCONT"): void {
  const pid = agentProcess?.process.pid;
  if (pid === undefined) throw new Error("no agent process");
  process.kill(pid, name);
  stopped = name === "SIGSTOP";
}

beforeAll(async () => {
  worker = await startLocalWorker({ name: "e2e-presence" });
  sandbox = realpathSync(mkdtempSync(join(tmpdir(), "maestro-presence-")));
  project = join(sandbox, "project");
  mkdirSync(project);
  writeFileSync(join(project, "notes.txt"), "written before the sleep\n");
  const created = await worker.client.agents.create({ name: "laptop" });
  agentId = created.id;
  agentProcess = startChild(
    "agent",
    process.execPath,
    [join(REPO_ROOT, "local-agent/bin/maestro-agent.mjs"), "--url", worker.origin, "--root", project],
    {
      cwd: sandbox,
      env: { MAESTRO_AGENT_TOKEN: created.token },
    },
  );
  await until("the agent to connect", async () => ((await connected()) === true ? true : undefined), 60_000);
}, 120_000);

afterAll(async () => {
  if (stopped) signal("SIGCONT");
  await agentProcess?.stop("SIGINT");
  await worker?.stop();
  if (sandbox !== undefined) rmSync(sandbox, { recursive: true, force: true });
}, 60_000);

describe("a stopped agent", () => {
  it(
    "is offline within 10 s; fail sessions fail at once, wait sessions wait visibly; after 90 s asleep, work resumes and nothing runs twice",
    async () => {
      const marks = join(project, "marks.txt");
      // The agent's own timers keep running under SIGSTOP (a real sleep stops them too), so the
      // command's timeout is set past the sleep: what is tested is the Worker keeping the call.
      const command = await startTurn([
        call("toolu_cmd", "run_shell_command", {
          command: "echo ran >> marks.txt; sleep 2; echo finished",
          timeout_ms: 200_000,
        }),
        say("The command finished."),
      ]);
      await until("the command to start", () => (readFileSync(marks, { flag: "a+" }).toString().includes("ran") ? true : undefined));

      signal("SIGSTOP");
      const asleepAt = Date.now();
      // Handed over at once (the Worker has not noticed yet): it sits unread on the stopped agent.
      const read = await startTurn([call("toolu_read", "read_file", { path: "notes.txt" }), say("Read it.")]);

      await until("GET /agents to say offline", async () => ((await connected()) === false ? true : undefined), 15_000);
      expect(Date.now() - asleepAt).toBeLessThanOrEqual(10_000);

      // While it is offline: a session set to fail fails at once, one set to wait waits visibly.
      const failing = await startTurn([call("toolu_fail", "read_file", { path: "notes.txt" }), say("Offline.")]);
      expect((await failing.turnEnd()).status).toBe("completed");
      expect(results(failing)).toMatchObject([{ call_id: "toolu_fail", ok: false, error_code: "AGENT_OFFLINE" }]);
      const [failed] = results(failing);
      expect(failed?.type === "tool_result" && failed.duration_ms).toBeLessThan(2000);

      const waiting = await startTurn([call("toolu_wait", "read_file", { path: "notes.txt" }), say("Read once it was back.")], {
        agent_offline: "wait",
      });
      for (const watcher of [waiting, read, command]) {
        await until("a waiting card", () => (statuses(watcher).includes("waiting for laptop (offline)") ? true : undefined));
      }

      await new Promise((resolve) => setTimeout(resolve, ASLEEP_MS - (Date.now() - asleepAt)));
      expect(results(read)).toEqual([]);
      expect(results(command)).toEqual([]);
      signal("SIGCONT");

      for (const watcher of [command, read, waiting]) expect((await watcher.turnEnd(60_000)).status).toBe("completed");
      expect(results(command)).toMatchObject([{ call_id: "toolu_cmd", ok: true, output: "finished\n[exit code 0]" }]);
      expect(readFileSync(marks, "utf8")).toBe("ran\n");
      expect(results(read)).toMatchObject([
        { call_id: "toolu_read", ok: true, output: expect.stringContaining("written before the sleep") },
      ]);
      expect(results(waiting)).toMatchObject([
        { call_id: "toolu_wait", ok: true, output: expect.stringContaining("written before the sleep") },
      ]);
      for (const watcher of [read, waiting]) expect(statuses(watcher).at(-1)).toBe("running");
      expect(await connected()).toBe(true);
      for (const watcher of [command, read, failing, waiting]) watcher.close();
    },
    ASLEEP_MS + 90_000,
  );
});
