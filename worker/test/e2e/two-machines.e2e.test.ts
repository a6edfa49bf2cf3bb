// Proves (issue 14 §6), end to end on loopback: two real `maestro-agent` processes, each with its
// own root, dial the local Worker (`wrangler dev`, the real stand-ins); a session binds both by
// name; a simulated model is offered read_file with a `machine` enum of the two names and their
// roots, calls it once on each machine with the same relative path, and each result comes from
// that machine's root. Live frames, the stored transcript and the audit trail name the machine.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AgentId, SessionToClientSchema, type StreamEvent, decodeFrame, encodeFrame } from "@maestro/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type Child, startChild } from "../../local/child-process.ts";
import { type LocalWorker, scriptedSessionOn, startLocalWorker } from "../../local/local-worker.ts";
import { REPO_ROOT } from "../../local/wrangler.ts";
import { recordedRequests } from "../simulators/client.ts";

interface Machine {
  readonly name: string;
  readonly root: string;
  id: AgentId;
  process: Child;
}

let worker: LocalWorker;
let sandbox: string | undefined;
const machines: Machine[] = [];

async function waitForAgent(id: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if ((await worker.client.agents.list()).data.find((entry) => entry.id === id)?.connected === true) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("agent never connected");
}

/** Runs one turn over the session socket and returns its stream events. */
async function runTurn(sessionId: string, text: string): Promise<StreamEvent[]> {
  const socket = new WebSocket(`${worker.origin.replace("http", "ws")}/api/v1/sessions/${sessionId}/socket`, {
    headers: { authorization: `Bearer ${worker.token}` },
  });
  const events: StreamEvent[] = [];
  const ended = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no turn_end")), 60_000);
    socket.on("message", (data: Buffer) => {
      const decoded = decodeFrame(SessionToClientSchema, data.toString("utf8"));
      if (!decoded.ok) return;
      const frame = decoded.value;
      if (frame.type === "snapshot") socket.send(encodeFrame({ type: "send", text }));
      if (frame.type === "event") events.push(frame.event);
      if (frame.type === "turn_end") {
        clearTimeout(timer);
        resolve(frame.status);
      }
    });
  });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(encodeFrame({ type: "hello", protocol_version: 1, client: "web" }));
  try {
    expect(await ended).toBe("completed");
  } finally {
    socket.close();
  }
  return events;
}

beforeAll(async () => {
  worker = await startLocalWorker({ name: "e2e-two-machines" });
  sandbox = realpathSync(mkdtempSync(join(tmpdir(), "maestro-two-machines-")));
  for (const name of ["laptop", "ci box"]) {
    const root = join(sandbox, name.replace(" ", "-"));
    mkdirSync(root);
    writeFileSync(join(root, "NOTES.md"), `notes kept on the ${name}\n`);
    const created = await worker.client.agents.create({ name });
    const child = startChild(
      `agent:${name}`,
      process.execPath,
      [join(REPO_ROOT, "local-agent/bin/maestro-agent.mjs"), "--url", worker.origin, "--root", root, "--name", name],
      { cwd: root, env: { MAESTRO_AGENT_TOKEN: created.token } },
    );
    machines.push({ name, root, id: created.id, process: child });
  }
  await Promise.all(machines.map((machine) => waitForAgent(machine.id)));
}, 120_000);

afterAll(async () => {
  await Promise.all(machines.map((machine) => machine.process.stop("SIGINT")));
  await worker?.stop();
  if (sandbox !== undefined) rmSync(sandbox, { recursive: true, force: true });
}, 60_000);

describe("one conversation, two machines", () => {
  it("reads the same path on each machine and gets each machine's file, named on every card", async () => {
    const [laptop, ciBox] = machines;
    if (laptop === undefined || ciBox === undefined) throw new Error("two machines expected");
    const { session, key } = await scriptedSessionOn(
      worker,
      [
        {
          steps: [
            {
              kind: "tool_calls",
              calls: [
                { id: "toolu_laptop", name: "read_file", args: { machine: "laptop", path: "NOTES.md" } },
                { id: "toolu_ci", name: "read_file", args: { machine: "ci box", path: "NOTES.md" } },
              ],
            },
          ],
        },
        { steps: [{ kind: "text", text: "Both read." }] },
      ],
      { agents: ["laptop", "ci box"] },
    );
    expect(session.agents).toEqual(["laptop", "ci box"]);

    const events = await runTurn(session.id, "read the notes on both machines");
    const results = events.filter((event) => event.type === "tool_result");
    expect(results).toHaveLength(2);
    expect(results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ call_id: "toolu_laptop", ok: true, output: "     1\tnotes kept on the laptop", machine: "laptop" }),
        expect.objectContaining({ call_id: "toolu_ci", ok: true, output: "     1\tnotes kept on the ci box", machine: "ci box" }),
      ]),
    );

    const [first] = await recordedRequests(worker.simulator.url, key);
    const readFile = (first?.body as { tools: { name: string; description: string; input_schema: Record<string, unknown> }[] }).tools.find(
      (tool) => tool.name === "read_file",
    );
    expect(readFile?.input_schema).toMatchObject({ properties: { machine: { enum: ["laptop", "ci box"] } } });
    expect(readFile?.description).toContain(`"laptop" (roots: ${laptop.root})`);
    expect(readFile?.description).toContain(`"ci box" (roots: ${ciBox.root})`);

    const stored = (await worker.client.messages.list(session.id)).data.flatMap((message) =>
      message.content.flatMap((part) => (part.type === "tool_result" ? [[part.call_id, part.machine]] : [])),
    );
    expect(stored.sort()).toEqual([
      ["toolu_ci", "ci box"],
      ["toolu_laptop", "laptop"],
    ]);
    const audit = await worker.client.toolExecutions.list(session.id);
    expect(audit.data.map((row) => [row.call_id, row.agent_id, row.machine, row.status]).sort()).toEqual([
      ["toolu_ci", ciBox.id, "ci box", "ok"],
      ["toolu_laptop", laptop.id, "laptop", "ok"],
    ]);
  });
});
