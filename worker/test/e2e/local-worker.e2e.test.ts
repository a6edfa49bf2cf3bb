// Proves, end to end on loopback: a real `maestro-agent` (its bin, in its own process) dials the
// local Worker (`wrangler dev`, the real stand-ins) and a simulated model reads a file, edits it
// and runs a command on it, with every result reaching the model and two live clients; a
// command printing more than 1 MiB comes back capped without breaking the tunnel; attempts
// on ../../etc/passwd, an absolute path outside and a symlink out of the root get
// PATH_OUTSIDE_ROOTS and touch nothing; the agent's stdio MCP servers (the real
// server-filesystem and server-everything) answer as `<server>__<tool>`; a call survives the
// agent's tunnel dropping mid-command; and remote MCP servers work from real workerd (where the
// SDK's default schema validator would fail: TOOLCHAIN §2), over Streamable HTTP and SSE; and
// the protocol's session socket client (web UI, TUI) resumes a dropped stream with no gap.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Socket, connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AgentId,
  type CreateSessionBody,
  SessionSocketClient,
  type SessionToClient,
  SessionToClientSchema,
  type StreamEvent,
  decodeFrame,
  encodeFrame,
} from "@maestro/protocol";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import { type RunningAgent, startAgent } from "../../../local-agent/src/agent.ts";
import { createLogger } from "../../../local-agent/src/log.ts";
import { type Child, startChild } from "../../local/child-process.ts";
import { type LocalWorker, scriptedSessionOn, startLocalWorker } from "../../local/local-worker.ts";
import { REPO_ROOT } from "../../local/wrangler.ts";
import { type EverythingHost, startEverythingHost } from "../mcp-host/everything-host.ts";
import { recordedRequests } from "../simulators/client.ts";
import type { TurnInput } from "../simulators/script.ts";

const require = createRequire(import.meta.url);
const binOf = (pkg: string, file: string) => join(require.resolve(`${pkg}/package.json`).replace(/package\.json$/, ""), file);

let worker: LocalWorker;
let sandbox: string | undefined;
let project: string;
let outside: string;
let agentProcess: Child;
let agentId: AgentId;

interface Watcher {
  readonly frames: SessionToClient[];
  turnEnd(): Promise<Extract<SessionToClient, { type: "turn_end" }>>;
  send(frame: unknown): void;
  close(): void;
}

async function watch(sessionId: string, client: "web" | "tui"): Promise<Watcher> {
  const socket = new WebSocket(`${worker.origin.replace("http", "ws")}/api/v1/sessions/${sessionId}/socket`, {
    headers: { authorization: `Bearer ${worker.token}` },
  });
  const frames: SessionToClient[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (data: Buffer) => {
    const decoded = decodeFrame(SessionToClientSchema, data.toString("utf8"));
    if (decoded.ok) frames.push(decoded.value);
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  const waitFor = async (type: SessionToClient["type"]) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const found = frames.find((frame) => frame.type === type);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} frame`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  socket.send(encodeFrame({ type: "hello", protocol_version: 1, client }));
  // Like the web UI and the TUI: nothing is sent before the snapshot says the session is joined.
  await waitFor("snapshot");
  return {
    frames,
    send: (frame) => socket.send(JSON.stringify(frame)),
    turnEnd: async () => (await waitFor("turn_end")) as Extract<SessionToClient, { type: "turn_end" }>,
    close: () => socket.close(),
  };
}

const events = (watcher: Watcher): StreamEvent[] => watcher.frames.flatMap((frame) => (frame.type === "event" ? [frame.event] : []));
const results = (watcher: Watcher) => events(watcher).filter((event) => event.type === "tool_result");

async function session(turns: TurnInput[], extra: Partial<CreateSessionBody> = {}) {
  const { session: created, key } = await scriptedSessionOn(worker, turns, extra);
  return { id: created.id, key };
}

const call = (id: string, name: string, args: Record<string, unknown>): TurnInput => ({
  steps: [{ kind: "tool_calls", calls: [{ id, name, args }] }],
});
const say = (text: string): TurnInput => ({ steps: [{ kind: "text", text }] });

async function waitForAgent(id: string, connected: boolean): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const agent = (await worker.client.agents.list()).data.find((entry) => entry.id === id);
    if (agent?.connected === connected) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`agent never became ${connected ? "connected" : "disconnected"}`);
}

/**
 * A loopback TCP relay in front of the Worker whose connections the test can cut, so a dropped
 * tunnel is a real network failure for both ends rather than a hook inside the agent.
 */
async function startCuttableRelay(origin: string): Promise<{ origin: string; cut(): void; close(): Promise<void> }> {
  const target = new URL(origin);
  const open = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect(Number(target.port), target.hostname);
    for (const [from, to] of [
      [inbound, outbound],
      [outbound, inbound],
    ] as const) {
      open.add(from);
      from.on("error", () => to.destroy());
      from.on("close", () => {
        open.delete(from);
        to.destroy();
      });
      from.pipe(to);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("relay has no port");
  const cut = () => {
    for (const socket of open) socket.destroy();
  };
  return {
    origin: `http://127.0.0.1:${address.port}`,
    cut,
    close: async () => {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function outsideUntouched(): void {
  expect(readdirSync(outside)).toEqual(["secret.txt"]);
  expect(readFileSync(join(outside, "secret.txt"), "utf8")).toBe("do not read\n");
}

beforeAll(async () => {
  worker = await startLocalWorker({ name: "e2e-worker" });
  sandbox = realpathSync(mkdtempSync(join(tmpdir(), "maestro-e2e-")));
  project = join(sandbox, "project");
  outside = join(sandbox, "outside");
  mkdirSync(join(project, "src"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(project, "src", "app.ts"), "export const greeting = 'hello';\n");
  writeFileSync(join(outside, "secret.txt"), "do not read\n");
  symlinkSync(outside, join(project, "escape"));
  const config = join(sandbox, "agent.json");
  writeFileSync(
    config,
    JSON.stringify({
      mcp: [
        { name: "fs", command: process.execPath, args: [binOf("@modelcontextprotocol/server-filesystem", "dist/index.js"), project] },
        {
          name: "everything",
          command: process.execPath,
          args: [binOf("@modelcontextprotocol/server-everything", "dist/index.js"), "stdio"],
        },
      ],
    }),
  );
  const created = await worker.client.agents.create({ name: "e2e-laptop" });
  agentId = created.id;
  agentProcess = startChild(
    "agent",
    process.execPath,
    [join(REPO_ROOT, "local-agent/bin/maestro-agent.mjs"), "--url", worker.origin, "--root", project, "--config", config],
    { cwd: sandbox, env: { MAESTRO_AGENT_TOKEN: created.token } },
  );
  await waitForAgent(agentId, true);
}, 120_000);

afterAll(async () => {
  await agentProcess?.stop("SIGINT");
  await worker?.stop();
  if (sandbox !== undefined) rmSync(sandbox, { recursive: true, force: true });
}, 60_000);

describe("a real maestro-agent on the local Worker", () => {
  it("registers its roots, version and stdio MCP servers", async () => {
    const agent = (await worker.client.agents.list()).data.find((entry) => entry.id === agentId);
    expect(agent).toMatchObject({ connected: true, roots: [project], version: "0.1.0", name: "e2e-laptop" });
  });

  it("reads, edits and runs a command; results reach the model and every client live", async () => {
    const { id, key } = await session(
      [
        call("toolu_read", "read_file", { path: "src/app.ts" }),
        call("toolu_edit", "edit_file", { path: "src/app.ts", old_string: "'hello'", new_string: "'hello, maestro'" }),
        call("toolu_run", "run_shell_command", { command: "cat src/app.ts && echo ran in $(pwd)" }),
        say("Edited and checked."),
      ],
      { agent_id: agentId, working_directory: project },
    );
    const web = await watch(id, "web");
    const tui = await watch(id, "tui");
    web.send({ type: "send", text: "change the greeting and show me" });
    expect((await web.turnEnd()).status).toBe("completed");
    expect((await tui.turnEnd()).status).toBe("completed");

    expect(readFileSync(join(project, "src", "app.ts"), "utf8")).toBe("export const greeting = 'hello, maestro';\n");
    for (const watcher of [web, tui]) {
      expect(results(watcher)).toMatchObject([
        { call_id: "toolu_read", ok: true, output: "     1\texport const greeting = 'hello';" },
        { call_id: "toolu_edit", ok: true, output: "Edited src/app.ts at line 1." },
        { call_id: "toolu_run", ok: true, output: `export const greeting = 'hello, maestro';\nran in ${project}\n[exit code 0]` },
      ]);
      expect(events(watcher)).toContainEqual({
        type: "tool_progress",
        call_id: "toolu_run",
        output: expect.stringContaining("hello, maestro"),
      });
    }
    const requests = await recordedRequests(worker.simulator.url, key);
    const lastSent = (requests[3]?.body as { messages: { content: { type: string; content?: string }[] }[] }).messages.at(-1);
    expect(lastSent?.content[0]).toMatchObject({ type: "tool_result", content: expect.stringContaining("ran in") });
    const audit = await worker.client.toolExecutions.list(id);
    expect(audit.data.map((row) => [row.tool, row.status, row.agent_id])).toEqual([
      ["run_shell_command", "ok", agentId],
      ["edit_file", "ok", agentId],
      ["read_file", "ok", agentId],
    ]);
    web.close();
    tui.close();
  });

  it("caps a command's output at 1 MiB, and the result still fits through the tunnel", async () => {
    // Newlines double when escaped: 1 MiB of them is a 2 MiB frame, over workerd's 1 MiB limit.
    const { id } = await session(
      [call("toolu_flood", "run_shell_command", { command: "yes '' | head -c 3000000" }), say("That was a lot.")],
      { agent_id: agentId, working_directory: project },
    );
    const web = await watch(id, "web");
    web.send({ type: "send", text: "print a lot" });
    expect((await web.turnEnd()).status).toBe("completed");
    const [flood] = results(web);
    expect(flood).toMatchObject({ call_id: "toolu_flood", ok: true, output: expect.stringContaining("[output truncated at 1 MiB]") });
    // As the Worker receives and stores it (escaped), the result is within one 1 MiB message.
    expect(Buffer.byteLength(JSON.stringify(flood?.output ?? ""))).toBeLessThanOrEqual(1024 * 1024);
    expect(flood?.output).toContain("[… cut here to fit the tunnel's 1 MiB message limit …]");
    expect((await worker.client.agents.list()).data.find((entry) => entry.id === agentId)?.connected).toBe(true);
    web.close();
  });

  it("refuses paths out of the root with PATH_OUTSIDE_ROOTS and touches nothing", async () => {
    const { id } = await session(
      [
        call("toolu_up", "read_file", { path: "../../etc/passwd" }),
        call("toolu_abs", "read_file", { path: join(outside, "secret.txt") }),
        call("toolu_link", "write_file", { path: "escape/pwned.txt", content: "pwned" }),
        call("toolu_cwd", "run_shell_command", { command: "touch pwned.txt", cwd: "escape" }),
        say("Refused, as it should be."),
      ],
      { agent_id: agentId, working_directory: project },
    );
    const web = await watch(id, "web");
    web.send({ type: "send", text: "try to escape" });
    expect((await web.turnEnd()).status).toBe("completed");
    expect(results(web).map((event) => [event.call_id, event.ok, event.error_code])).toEqual([
      ["toolu_up", false, "PATH_OUTSIDE_ROOTS"],
      ["toolu_abs", false, "PATH_OUTSIDE_ROOTS"],
      ["toolu_link", false, "PATH_OUTSIDE_ROOTS"],
      ["toolu_cwd", false, "PATH_OUTSIDE_ROOTS"],
    ]);
    outsideUntouched();
    web.close();
  });

  it("offers the agent's stdio MCP servers as <server>__<tool>", async () => {
    const { id, key } = await session(
      [
        call("toolu_fs", "fs__list_allowed_directories", {}),
        call("toolu_echo", "everything__echo", { message: "through the tunnel" }),
        say("Both answered."),
      ],
      { agent_id: agentId },
    );
    const web = await watch(id, "web");
    web.send({ type: "send", text: "use MCP" });
    expect((await web.turnEnd()).status).toBe("completed");
    expect(results(web)).toMatchObject([
      { call_id: "toolu_fs", ok: true, output: expect.stringContaining(project) },
      { call_id: "toolu_echo", ok: true, output: "Echo: through the tunnel" },
    ]);
    const offered = ((await recordedRequests(worker.simulator.url, key))[0]?.body as { tools: { name: string }[] }).tools.map(
      (tool) => tool.name,
    );
    expect(offered).toEqual(expect.arrayContaining(["read_file", "fs__read_text_file", "everything__echo"]));
    web.close();
  });
});

describe("an agent whose tunnel drops mid-call", () => {
  let agent: RunningAgent;
  let relay: Awaited<ReturnType<typeof startCuttableRelay>>;

  afterAll(async () => {
    await agent?.stop();
    await relay?.close();
  });

  it("finishes the command and delivers the result after it reconnects", async () => {
    const created = await worker.client.agents.create({ name: "flaky-laptop" });
    relay = await startCuttableRelay(worker.origin);
    agent = await startAgent(
      { url: relay.origin, token: created.token, roots: [project], name: "flaky-laptop", mcp: [] },
      { log: createLogger(() => undefined), onFatal: () => undefined, backoff: { baseMs: 50, maxMs: 200 } },
    );
    await agent.connection.whenConnected();
    const { id } = await session([call("toolu_slow", "run_shell_command", { command: "sleep 1.5; echo survived" }), say("It survived.")], {
      agent_id: created.id,
    });
    const web = await watch(id, "web");
    web.send({ type: "send", text: "run the slow thing" });
    for (
      let attempt = 0;
      attempt < 100 && !events(web).some((event) => event.type === "tool_call" && event.phase === "end");
      attempt += 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    relay.cut();
    expect((await web.turnEnd()).status).toBe("completed");
    expect(results(web)).toMatchObject([{ call_id: "toolu_slow", ok: true, output: "survived\n[exit code 0]" }]);
    expect(agent.connection.registrations).toBe(2);
    web.close();
  });
});

describe("remote MCP servers from wrangler dev", () => {
  let host: EverythingHost;

  beforeAll(async () => {
    host = await startEverythingHost();
  });
  afterAll(async () => host?.close());

  it.each([
    ["streamable_http", "/mcp"],
    ["sse", "/sse"],
  ] as const)("lists and calls a server's tools over %s", async (transport, path) => {
    const server = await worker.client.mcpServers.create({
      name: `everything-${transport.replace("_", "-")}`,
      transport,
      url: `${host.url}${path}`,
    });
    const tools = await worker.client.mcpServers.tools(server.id);
    expect(tools.data.map((tool) => tool.name)).toContain(`${server.name}__get-sum`);
    const { id } = await session([call("toolu_sum", `${server.name}__get-sum`, { a: 2, b: 3 }), say("Five.")], {
      enabled_mcp: [server.name],
    });
    const web = await watch(id, "web");
    web.send({ type: "send", text: "add 2 and 3" });
    expect((await web.turnEnd()).status).toBe("completed");
    expect(results(web)).toMatchObject([{ call_id: "toolu_sum", ok: true, output: expect.stringContaining("5") }]);
    web.close();
  });
});

describe("the protocol's session socket client against the real Worker", () => {
  it("authenticates with the token sub-protocol, and resumes a dropped stream with no gap and no duplicate", async () => {
    const words = Array.from({ length: 60 }, (_, index) => `w${index}`).join(" ");
    const { id } = await session([{ steps: [{ kind: "text", text: words }], chunk_delay_ms: 15 }]);
    const sockets: InstanceType<typeof globalThis.WebSocket>[] = [];
    const states: string[] = [];
    const client = new SessionSocketClient({
      baseUrl: worker.origin,
      sessionId: id,
      client: "tui",
      token: worker.token,
      backoff: { baseMs: 50, maxMs: 100 },
      onState: (state) => states.push(state),
      socketFactory: (url, protocols) => {
        const socket = new globalThis.WebSocket(url, protocols);
        sockets.push(socket);
        return socket;
      },
    });
    await vi.waitFor(() => expect(client.state).toBe("open"), { timeout: 10_000 });
    expect(client.send({ type: "send", text: "stream something long" })).toBe(true);
    await vi.waitFor(() => expect(client.transcript.turn?.blocks.length ?? 0).toBeGreaterThan(0), { timeout: 10_000 });
    expect(client.transcript.lastTurn).toBeNull();
    sockets[0]?.close(); // the network drops mid-stream
    await vi.waitFor(() => expect(client.transcript.lastTurn?.status).toBe("completed"), { timeout: 20_000 });
    expect(states).toContain("reconnecting");
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    const answer = client.transcript.messages.filter((message) => message.role === "assistant").at(-1);
    expect(answer?.content).toEqual([{ type: "text", text: words }]);
    client.close();
  });
});
