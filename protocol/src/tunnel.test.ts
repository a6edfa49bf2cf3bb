// Proves: every tunnel frame kind, both directions, survives encode → decode unchanged, and the
// Worker refuses frames an agent must not send (unknown, incomplete, wrong version, bad outcome).
import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame } from "./codec.ts";
import { TunnelCallIdSchema } from "./ids.ts";
import { type AgentToWorker, AgentToWorkerSchema, type WorkerToAgent, WorkerToAgentSchema } from "./tunnel.ts";
import { PROTOCOL_VERSION } from "./version.ts";

const CALL_ID = TunnelCallIdSchema.parse("call-1");

const agentFrames = {
  register: [
    {
      type: "register",
      protocol_version: PROTOCOL_VERSION,
      name: "laptop",
      version: "0.1.0",
      roots: ["/home/dev/project"],
      tools: [{ name: "read_file", description: "Read a file", kind: "read", input_schema: { type: "object" } }],
      mcp: [{ name: "everything", tools: [{ name: "echo", description: "Echo", kind: "read", input_schema: { type: "object" } }] }],
      running: [CALL_ID],
      instance: "8f14e45f-ceea-467f-a0e6-6a1e8f3b2c1d",
      sandbox: { commands: "bwrap", network: true },
    },
  ],
  progress: [{ type: "progress", id: CALL_ID, output: "compiling…\n" }],
  result: [
    { type: "result", id: CALL_ID, outcome: { ok: true, output: "done", metadata: { exit_code: 0 } }, duration_ms: 40 },
    {
      type: "result",
      id: CALL_ID,
      outcome: { ok: false, code: "TIMEOUT", message: "killed after 30 s", recoverable: true },
      duration_ms: 30_000,
    },
  ],
  pong: [{ type: "pong", nonce: "n1" }],
} satisfies { [K in AgentToWorker["type"]]: Extract<AgentToWorker, { type: K }>[] };

const workerFrames = {
  call: [
    { type: "call", id: CALL_ID, tool: "read_file", params: { path: "a.ts" }, cwd: "/home/dev/project", deadline: 1_790_000_000_000 },
    { type: "call", id: CALL_ID, tool: "read_file", params: {}, cwd: null, deadline: 1_790_000_000_000, timeout_ms: 60_000 },
  ],
  cancel: [{ type: "cancel", id: CALL_ID }],
  ping: [{ type: "ping", nonce: "n1" }],
} satisfies { [K in WorkerToAgent["type"]]: Extract<WorkerToAgent, { type: K }>[] };

describe("agent → worker frames", () => {
  it.each(
    Object.values(agentFrames)
      .flat()
      .map((frame) => [frame.type, frame] as const),
  )("round-trips %s", (_type, frame) => {
    expect(decodeFrame(AgentToWorkerSchema, encodeFrame(frame))).toEqual({ ok: true, value: frame });
  });

  const register = agentFrames.register[0];
  it.each([
    ["an unknown type", { type: "hello" }, "UNKNOWN_FRAME_TYPE"],
    ["a register of another protocol version", { ...register, protocol_version: 99 }, "PROTOCOL_VERSION_MISMATCH"],
    ["a register without roots", { ...register, roots: [] }, "INVALID_FRAME"],
    ["a result without outcome", { type: "result", id: "x", duration_ms: 1 }, "INVALID_FRAME"],
    [
      "a failed outcome with an unknown code",
      { type: "result", id: "x", duration_ms: 1, outcome: { ok: false, code: "OOPS", message: "m", recoverable: false } },
      "INVALID_FRAME",
    ],
    ["a progress without id", { type: "progress", output: "x" }, "INVALID_FRAME"],
    ["a register with an empty instance", { ...register, instance: "" }, "INVALID_FRAME"],
  ])("refuses %s", (_name, value, code) => {
    const decoded = decodeFrame(AgentToWorkerSchema, JSON.stringify(value));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.code).toBe(code);
  });

  it("accepts a register from an agent that predates instance ids", () => {
    const older: Record<string, unknown> = { ...register };
    delete older.instance;
    expect(decodeFrame(AgentToWorkerSchema, JSON.stringify(older))).toEqual({ ok: true, value: older });
  });
});

describe("worker → agent frames", () => {
  it.each(
    Object.values(workerFrames)
      .flat()
      .map((frame) => [frame.type, frame] as const),
  )("round-trips %s", (_type, frame) => {
    expect(decodeFrame(WorkerToAgentSchema, encodeFrame(frame))).toEqual({ ok: true, value: frame });
  });

  it("refuses a call without a deadline", () => {
    const decoded = decodeFrame(WorkerToAgentSchema, JSON.stringify({ type: "call", id: "x", tool: "t", params: {}, cwd: null }));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.fields.map((field) => field.field)).toEqual(["deadline"]);
  });
});
