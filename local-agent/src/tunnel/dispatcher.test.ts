// Proves: the dispatcher answers each call once — a call re-sent after a reconnect while it is
// still running is not started twice, nor one that already finished (it gets its result again) — stops a call on `cancel` and when its time is up (the
// Worker's relative budget, timed on this machine, so skewed clocks neither cut it short nor let
// it run on), streams progress under the call's id, and sends MCP tool names to the MCP servers.
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AgentToWorker, type ToolOutcome, TunnelCallIdSchema } from "@maestro/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../log.ts";
import { Roots } from "../sandbox/roots.ts";
import { runTool } from "../tools/registry.ts";
import { Dispatcher, type McpRouter } from "./dispatcher.ts";

let root: string;
let sent: AgentToWorker[];
let dispatcher: Dispatcher;
let mcpCalls: string[];

const mcp: McpRouter = {
  owns: (tool) => tool.startsWith("fs__"),
  call: async (tool): Promise<ToolOutcome> => {
    mcpCalls.push(tool);
    return { ok: true, output: "from mcp" };
  },
};

function callFrame(id: string, tool: string, params: Record<string, unknown>, deadlineInMs = 30_000, timeoutMs?: number) {
  return {
    type: "call" as const,
    id: TunnelCallIdSchema.parse(id),
    tool,
    params,
    cwd: null,
    deadline: Date.now() + deadlineInMs,
    ...(timeoutMs !== undefined && { timeout_ms: timeoutMs }),
  };
}

async function resultOf(id: string): Promise<Extract<AgentToWorker, { type: "result" }>> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const result = sent.find((frame) => frame.type === "result" && frame.id === id);
    if (result?.type === "result") return result;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no result for ${id}`);
}

beforeEach(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "dispatch-")));
  sent = [];
  mcpCalls = [];
  dispatcher = new Dispatcher({
    roots: await Roots.create([root]),
    mcp,
    runTool,
    send: (frame) => sent.push(frame),
    log: createLogger(() => undefined),
  });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("dispatcher", () => {
  it("runs a call once even when it is sent again while running, streaming progress under its id", async () => {
    const frame = callFrame("c1", "run_shell_command", { command: "echo one; sleep 0.3" });
    dispatcher.handle(frame);
    dispatcher.handle(frame);
    expect(dispatcher.running()).toEqual(["c1"]);
    const result = await resultOf("c1");
    expect(result.outcome).toMatchObject({ ok: true, output: "one\n[exit code 0]" });
    expect(sent.filter((each) => each.type === "result")).toHaveLength(1);
    expect(sent).toContainEqual({ type: "progress", id: "c1", output: "one\n" });
    expect(dispatcher.running()).toEqual([]);
  });

  it("answers a call sent again after it finished with the result it had, without running it again", async () => {
    const marks = join(root, "marks.txt");
    const frame = callFrame("c8", "run_shell_command", { command: `echo ran >> ${marks}` });
    dispatcher.handle(frame);
    const first = await resultOf("c8");
    // The tunnel died as the result was sent; the Worker, not holding it, sends the call again.
    sent = [];
    dispatcher.handle(frame);
    expect(await resultOf("c8")).toEqual(first);
    expect(readFileSync(marks, "utf8")).toBe("ran\n");
    expect(dispatcher.running()).toEqual([]);
  });

  it("stops a call on cancel and at its deadline", async () => {
    dispatcher.handle(callFrame("c2", "run_shell_command", { command: "sleep 20" }));
    setTimeout(() => dispatcher.cancel(TunnelCallIdSchema.parse("c2")), 100);
    expect((await resultOf("c2")).outcome).toMatchObject({ ok: false, code: "CANCELLED" });

    // From a Worker that sends no budget, deadlines closer than a second are stretched to one.
    const started = Date.now();
    dispatcher.handle(callFrame("c3", "run_shell_command", { command: "sleep 20" }, 50));
    expect((await resultOf("c3")).outcome).toMatchObject({ ok: false, code: "TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("times a call by the Worker's budget on its own clock, whatever the two wall clocks say", async () => {
    // This machine's clock an hour behind the Worker's: the epoch deadline looks an hour away.
    const started = Date.now();
    dispatcher.handle(callFrame("c5", "run_shell_command", { command: "sleep 20" }, 3_600_000, 300));
    expect((await resultOf("c5")).outcome).toMatchObject({ ok: false, code: "TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(2000);

    // An hour ahead: the deadline looks long past, yet the call gets the time the Worker gives it.
    dispatcher.handle(callFrame("c6", "run_shell_command", { command: "sleep 1.5; echo in time" }, -3_600_000, 10_000));
    expect((await resultOf("c6")).outcome).toMatchObject({ ok: true, output: "in time\n[exit code 0]" });
  });

  it("stops a runaway grep at its deadline", async () => {
    writeFileSync(join(root, "evil.txt"), `${"a".repeat(40)}!\n`);
    dispatcher.handle(callFrame("c7", "grep", { pattern: "^(a+)+$" }, 30_000, 400));
    expect((await resultOf("c7")).outcome).toMatchObject({ ok: false, code: "TIMEOUT" });
  });

  it("hands MCP tool names to the MCP servers", async () => {
    dispatcher.handle(callFrame("c4", "fs__read_text_file", { path: "x" }));
    expect((await resultOf("c4")).outcome).toEqual({ ok: true, output: "from mcp" });
    expect(mcpCalls).toEqual(["fs__read_text_file"]);
  });
});
