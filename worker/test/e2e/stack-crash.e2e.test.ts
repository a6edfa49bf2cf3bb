// Proves, with a real crash on loopback: eight sessions (two per provider) are cut off mid-turn —
// one waiting for a write_file approval, one running a long command on a real `maestro-agent` —
// when `wrangler dev` and its workerd children are SIGKILLed together. Restarted on the same
// port and persisted state (Postgres, Redis and the simulator stay up, as in production), every
// session ends its turn as `interrupted` on its own (its alarm; no client needed), with an
// interrupted audit row; a client that saw the turn start resumes (`hello{since}`) to the turn's
// interrupted end with no frame twice; each session then takes a new message that the simulator
// — which refuses a history with an unanswered call — accepts, its request answering the
// cut-off call as interrupted in that provider's wire format; and the agent, which saw no more
// than a dropped tunnel, reconnects, its late results change nothing, and it still serves calls.
// The same scenario without a process boundary: test/session/crash-recovery.test.ts.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AgentId,
  type ContentPart,
  type ProviderId,
  type SessionId,
  type SessionToClient,
  SessionToClientSchema,
  type StreamEvent,
  type ToolCallId,
  ToolCallIdSchema,
  decodeFrame,
  encodeFrame,
} from "@maestro/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type Child, startChild } from "../../local/child-process.ts";
import { type LocalWorker, scriptedSessionOn, startLocalWorker } from "../../local/local-worker.ts";
import { REPO_ROOT } from "../../local/wrangler.ts";
import { recordedRequests } from "../simulators/client.ts";
import type { TurnInput } from "../simulators/script.ts";

const PROVIDERS = ["anthropic", "openai", "openai_responses", "gemini"] as const satisfies readonly ProviderId[];
type Provider = (typeof PROVIDERS)[number];
/**
 * What the model is told of a cut-off call: src/session/history.ts INTERRUPTED_OUTPUT, restated
 * because this Node project does not compile the Worker's sources.
 */
const INTERRUPTED_OUTPUT = "The call was cut off; it may or may not have run.";
/**
 * Long enough to outlast the restart, and to end after the session's keep-alive alarm (10 s) has
 * closed the turn, so its result reaches a Worker that already gave up on it.
 */
const COMMAND_SECONDS = 15;

interface CutOff {
  readonly provider: Provider;
  readonly tool: "write_file" | "run_shell_command";
  readonly callId: ToolCallId;
  readonly sessionId: SessionId;
  readonly key: string;
  /** The newest frame the client had seen when the Worker died. */
  seenSeq: number;
}

type Body = Record<string, unknown>;
const items = (value: unknown): Body[] => (Array.isArray(value) ? (value as Body[]) : []);

/** Where each provider's request carries a call's result, and what an interrupted one looks like there. */
const ANSWER = {
  anthropic: {
    find: (body, id) =>
      items(body.messages)
        .flatMap((message) => items(message.content))
        .find((part) => part.tool_use_id === id),
    expected: { type: "tool_result", content: INTERRUPTED_OUTPUT, is_error: true },
  },
  openai: {
    find: (body, id) => items(body.messages).find((message) => message.tool_call_id === id),
    expected: { role: "tool", content: INTERRUPTED_OUTPUT },
  },
  openai_responses: {
    find: (body, id) => items(body.input).find((item) => item.type === "function_call_output" && item.call_id === id),
    expected: { output: INTERRUPTED_OUTPUT },
  },
  gemini: {
    find: (body, id) =>
      items(body.contents)
        .flatMap((content) => items(content.parts))
        .map((part) => part.functionResponse as Body | undefined)
        .find((response) => response?.id === id),
    expected: { response: { error: INTERRUPTED_OUTPUT } },
  },
} satisfies Record<Provider, { find: (body: Body, callId: string) => Body | undefined; expected: Body }>;

let worker: LocalWorker;
let sandbox: string | undefined;
let project: string;
let agentProcess: Child | undefined;
let agentId: AgentId;
let commandsStartedAt = 0;
const cutOff: CutOff[] = [];
const agentLog: string[] = [];
const workerLog: string[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

type FrameOf<K extends SessionToClient["type"]> = Extract<SessionToClient, { type: K }>;

interface Watcher {
  readonly frames: SessionToClient[];
  /** The first frame of that type (and matching, if asked) received so far, waiting up to 20 s. */
  next<K extends SessionToClient["type"]>(type: K, match?: (frame: FrameOf<K>) => boolean): Promise<FrameOf<K>>;
  send(frame: unknown): void;
  close(): void;
}

const seqOf = (frame: SessionToClient): number => ("seq" in frame && typeof frame.seq === "number" ? frame.seq : 0);

/**
 * A web client on the session socket. Without `since` it is joined once the snapshot (frames[0])
 * is in; with it, as the web UI and the TUI reconnect, the server replays what came after.
 */
async function watch(sessionId: SessionId, since?: number): Promise<Watcher> {
  const socket = new WebSocket(`${worker.origin.replace("http", "ws")}/api/v1/sessions/${sessionId}/socket`, {
    headers: { authorization: `Bearer ${worker.token}` },
  });
  const frames: SessionToClient[] = [];
  socket.on("message", (data: Buffer) => {
    const decoded = decodeFrame(SessionToClientSchema, data.toString("utf8"));
    if (decoded.ok) frames.push(decoded.value);
  });
  socket.on("error", () => undefined); // the crash resets it; the frames read so far stay
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  const next = <K extends SessionToClient["type"]>(type: K, match: (frame: FrameOf<K>) => boolean = () => true) =>
    until(
      `a ${type} frame in ${sessionId}`,
      () => frames.find((frame): frame is FrameOf<K> => frame.type === type && match(frame as FrameOf<K>)),
      20_000,
    );
  socket.send(encodeFrame({ type: "hello", protocol_version: 1, client: "web", ...(since !== undefined && { since }) }));
  if (since === undefined) await next("snapshot");
  return { frames, next, send: (frame) => socket.send(JSON.stringify(frame)), close: () => socket.close() };
}

const events = (watcher: Watcher): StreamEvent[] => watcher.frames.flatMap((frame) => (frame.type === "event" ? [frame.event] : []));
const callOnce = (id: string, name: string, args: Record<string, unknown>): TurnInput => ({
  steps: [{ kind: "tool_calls", calls: [{ id, name, args }] }],
});
const say = (text: string): TurnInput => ({ steps: [{ kind: "text", text }] });

/** Pids of the running (not zombie) processes whose command line contains `marker`. */
function processesRunning(marker: string): number[] {
  return readdirSync("/proc").flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      if (readFileSync(`/proc/${entry}/stat`, "utf8").split(")").at(-1)?.trim().startsWith("Z")) return [];
      return readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(marker) ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

async function agentConnected(): Promise<boolean> {
  return (await worker.client.agents.list()).data.find((entry) => entry.id === agentId)?.connected === true;
}

beforeAll(async () => {
  worker = await startLocalWorker({ name: "crash-worker", onWorkerLine: (line) => workerLog.push(line) });
  sandbox = realpathSync(mkdtempSync(join(tmpdir(), "maestro-crash-")));
  project = join(sandbox, "project");
  mkdirSync(project);
  const created = await worker.client.agents.create({ name: "crash-laptop" });
  agentId = created.id;
  agentProcess = startChild(
    "agent",
    process.execPath,
    [join(REPO_ROOT, "local-agent/bin/maestro-agent.mjs"), "--url", worker.origin, "--root", project],
    { cwd: sandbox, env: { MAESTRO_AGENT_TOKEN: created.token }, onLine: (line) => agentLog.push(line) },
  );
  await until("the agent to connect", async () => ((await agentConnected()) ? true : undefined), 30_000);
}, 120_000);

afterAll(async () => {
  await agentProcess?.stop("SIGINT");
  await worker?.stop();
  if (sandbox !== undefined) rmSync(sandbox, { recursive: true, force: true });
}, 60_000);

describe("wrangler dev SIGKILLed mid-turn, then restarted on the same state", () => {
  it("cuts off eight turns: four waiting for approval, four running a command on the agent", async () => {
    const watchers = await Promise.all(
      PROVIDERS.flatMap((provider) => {
        const onAgent = { provider, agent_id: agentId, working_directory: project } as const;
        const waiting = {
          tool: "write_file" as const,
          callId: `call_wait_${provider}`,
          turns: [callOnce(`call_wait_${provider}`, "write_file", { path: `notes-${provider}.md`, content: "x" }), say("Back.")],
          extra: { ...onAgent, approval_mode: "ask" as const },
        };
        const running = {
          tool: "run_shell_command" as const,
          callId: `call_run_${provider}`,
          turns: [
            callOnce(`call_run_${provider}`, "run_shell_command", {
              command: `echo started; sleep ${COMMAND_SECONDS}; echo done > after-${provider}.txt`,
            }),
            say("Back."),
          ],
          extra: { ...onAgent, approval_mode: "auto" as const },
        };
        return [waiting, running].map(async ({ tool, callId, turns, extra }) => {
          const { session, key } = await scriptedSessionOn(worker, turns, extra);
          const entry: CutOff = { provider, tool, callId: ToolCallIdSchema.parse(callId), sessionId: session.id, key, seenSeq: 0 };
          cutOff.push(entry);
          const watcher = await watch(session.id);
          watcher.send({ type: "send", text: "go" });
          return { watcher, entry, provider, tool, callId };
        });
      }),
    );
    commandsStartedAt = Date.now();
    for (const { watcher, provider, tool, callId } of watchers) {
      if (tool === "write_file") {
        await watcher.next("approval_request", (frame) => frame.call_id === callId);
      } else {
        // The command's first line came back through the tunnel: it is running on the machine.
        await until(
          `${callId} to report progress`,
          () =>
            events(watcher).find(
              (event) => event.type === "tool_progress" && event.call_id === callId && (event.output ?? "").includes("started"),
            ),
          20_000,
        );
        expect(processesRunning(`after-${provider}.txt`).length, `${provider}: the agent's bash`).toBeGreaterThan(0);
      }
    }
    expect(watchers.every(({ watcher }) => !watcher.frames.some((frame) => frame.type === "turn_end"))).toBe(true);

    for (const { watcher, entry } of watchers) entry.seenSeq = Math.max(...watcher.frames.map(seqOf));

    const killedAt = Date.now();
    const agentLineAtKill = agentLog.length;
    await worker.restartWorker({ kill: "SIGKILL" });
    process.stdout.write(`[crash-test] wrangler killed and back in ${Date.now() - killedAt} ms\n`);
    for (const { watcher } of watchers) watcher.close();
    // The agent is another machine: the crash only dropped its tunnel, and its commands went on
    // while it was away. (Once it is back, the Worker, which no longer waits for them, may already
    // have cancelled them as orphans: that is the next test's business.)
    // Which commands run now, before the log is read: if the agent was not back yet when this was
    // looked at, nothing can have cancelled them. The log is read a moment later, so every line
    // the agent wrote before this look has arrived through its pipe.
    const running = new Map(PROVIDERS.map((provider) => [provider, processesRunning(`after-${provider}.txt`).length]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const afterKill = agentLog.slice(agentLineAtKill);
    const dropped = afterKill.findIndex((line) => line.includes("tunnel.disconnected"));
    expect(dropped, "the agent saw its tunnel drop").toBeGreaterThan(-1);
    const back = afterKill.findIndex((line, index) => index > dropped && line.includes("tunnel.connected"));
    expect(afterKill.slice(dropped, back === -1 ? undefined : back).filter((line) => line.includes("call.end"))).toEqual([]);
    if (back === -1) for (const provider of PROVIDERS) expect(running.get(provider), provider).toBeGreaterThan(0);
    expect(agentProcess?.process.exitCode).toBeNull();
  }, 120_000);

  it("ends every cut-off turn on its own, with no client connected, and audits the call as interrupted", async () => {
    expect(cutOff).toHaveLength(8);
    // Only Postgres is read here: nothing wakes the objects but their own alarms.
    for (const entry of cutOff) {
      const rows = await until(
        `${entry.provider} ${entry.tool}: an audit row`,
        async () => {
          const list = (await worker.client.toolExecutions.list(entry.sessionId)).data;
          return list.length > 0 ? list : undefined;
        },
        30_000,
      );
      expect(rows, `${entry.provider} ${entry.tool}`).toMatchObject([
        { call_id: entry.callId, tool: entry.tool, status: "interrupted", error_code: "INTERRUPTED" },
      ]);
    }
  }, 60_000);

  it("resumes every client to the turn's interrupted end, then takes a new message the provider accepts", async () => {
    const resumedBy = { replay: 0, snapshot: 0 };
    await Promise.all(
      cutOff.map(async (entry) => {
        const label = `${entry.provider} ${entry.tool}`;
        // Reconnecting as the web UI and the TUI do: from the last frame seen before the crash.
        const web = await watch(entry.sessionId, entry.seenSeq);
        const first = await until(`${label}: a replay or a snapshot`, () => web.frames[0], 20_000);
        const result = {
          type: "tool_result",
          call_id: entry.callId,
          name: entry.tool,
          ok: false,
          output: INTERRUPTED_OUTPUT,
          error_code: "INTERRUPTED",
        } satisfies ContentPart;
        resumedBy[first.type === "snapshot" ? "snapshot" : "replay"] += 1;
        if (first.type === "snapshot") {
          // The log had a gap (frames numbered but never written): a snapshot of the ended turn.
          expect(first.turn, label).toBeNull();
          expect(
            first.messages.flatMap((message) => message.content),
            label,
          ).toContainEqual(result);
        } else {
          const ended = await web.next("turn_end");
          expect(ended.status, label).toBe("interrupted");
          const replayed = web.frames.slice(0, web.frames.indexOf(ended) + 1);
          expect(
            replayed.every((frame) => seqOf(frame) > entry.seenSeq),
            `${label}: nothing seen twice`,
          ).toBe(true);
          expect(
            replayed.flatMap((frame) => (frame.type === "message" ? frame.message.content : [])),
            label,
          ).toContainEqual(result);
          if (entry.tool === "write_file") {
            expect(replayed, label).toContainEqual(
              expect.objectContaining({ type: "approval_result", call_id: entry.callId, decision: "deny" }),
            );
          }
        }

        web.send({ type: "send", text: "are you still there?" });
        const end = await web.next("turn_end", (frame) => frame.status !== "interrupted");
        expect(end, `${label}: ${JSON.stringify(end.message?.error)}`).toMatchObject({
          status: "completed",
          message: { status: "complete" },
        });
        const requests = await recordedRequests(worker.simulator.url, entry.key);
        expect(requests, label).toHaveLength(2);
        const answer = ANSWER[entry.provider];
        expect(answer.find(requests[1]?.body as Body, entry.callId), label).toMatchObject(answer.expected);
        web.close();
      }),
    );
    process.stdout.write(`[crash-test] clients resumed by replay: ${resumedBy.replay}, by snapshot: ${resumedBy.snapshot}\n`);
  }, 60_000);

  it("leaves the agent working: the cut-off commands finish, their late results are dropped, and the tunnel serves calls", async () => {
    // Nobody waits for them any more; they end (run out, or are stopped) and the agent sends their
    // results: on the live tunnel, or from its outbox once it is back.
    await until(
      "the cut-off commands to end",
      () => (PROVIDERS.every((provider) => processesRunning(`after-${provider}.txt`).length === 0) ? true : undefined),
      Math.max(1000, commandsStartedAt + COMMAND_SECONDS * 1000 + 10_000 - Date.now()),
    );
    await until(
      "the agent to report four ended commands",
      () => {
        const ended = agentLog.filter((line) => line.includes("call.end") && line.includes("run_shell_command"));
        return ended.length >= 4 ? ended : undefined;
      },
      10_000,
    );
    const ranToEnd = PROVIDERS.filter((provider) => existsSync(join(project, `after-${provider}.txt`))).length;
    process.stdout.write(`[crash-test] cut-off commands that ran to their end after the crash: ${ranToEnd} of 4\n`);
    await sleep(500);
    expect(agentProcess?.process.exitCode).toBeNull();
    expect(agentLog.filter((line) => /tunnel\.(bad_frame|stopped)|call\.crashed/.test(line))).toEqual([]);
    await until("the agent to be connected", async () => ((await agentConnected()) ? true : undefined), 30_000);
    // The late results changed nothing: what was recorded as interrupted stays so.
    for (const entry of cutOff) {
      const rows = (await worker.client.toolExecutions.list(entry.sessionId)).data;
      expect(rows.find((row) => row.call_id === entry.callId)?.status, `${entry.provider} ${entry.tool}`).toBe("interrupted");
    }
    const { session } = await scriptedSessionOn(
      worker,
      [callOnce("call_alive", "run_shell_command", { command: "echo alive" }), say("Alive.")],
      {
        agent_id: agentId,
        working_directory: project,
      },
    );
    const web = await watch(session.id);
    web.send({ type: "send", text: "still there?" });
    expect((await web.next("turn_end")).status).toBe("completed");
    expect(events(web).filter((event) => event.type === "tool_result")).toMatchObject([
      { call_id: "call_alive", ok: true, output: "alive\n[exit code 0]" },
    ]);
    web.close();
    expect(workerLog.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  }, 60_000);
});
