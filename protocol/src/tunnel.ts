/**
 * The agent tunnel (`/api/v1/agents/connect`): the local agent registers what it offers, the
 * Worker sends calls correlated by id with a deadline, the agent streams progress and answers
 * with a ToolOutcome. Frames the Worker accepts are strict; frames the agent receives are loose.
 */
import { z } from "zod";
import { JsonSchemaObjectSchema, McpServerNameSchema, ToolKindSchema, ToolNameSchema } from "./common.ts";
import { TunnelCallIdSchema } from "./ids.ts";
import { ToolOutcomeSchema } from "./tool-outcome.ts";
import { PROTOCOL_VERSION } from "./version.ts";

export const AgentToolSpecSchema = z.strictObject({
  name: ToolNameSchema,
  description: z.string().max(10_000),
  kind: ToolKindSchema,
  input_schema: JsonSchemaObjectSchema,
});
export type AgentToolSpec = z.infer<typeof AgentToolSpecSchema>;

/** A stdio MCP server configured on the agent; its tools reach the model as `<name>__<tool>`. */
export const AgentMcpServerSpecSchema = z.strictObject({
  name: McpServerNameSchema,
  tools: z.array(AgentToolSpecSchema).max(1000),
});

/**
 * How the agent isolates the commands it runs (run_shell_command, execute_code): under
 * bubblewrap (Linux) or sandbox-exec (macOS), or not at all; and whether they may use the network.
 */
export const AgentSandboxSchema = z.strictObject({
  commands: z.enum(["bwrap", "sandbox-exec", "none"]),
  network: z.boolean(),
});
export type AgentSandbox = z.infer<typeof AgentSandboxSchema>;

// ── agent → worker ─────────────────────────────────────────────────────────────────────────

export const RegisterFrameSchema = z.strictObject({
  type: z.literal("register"),
  protocol_version: z.literal(PROTOCOL_VERSION, { error: `protocol_version must be ${PROTOCOL_VERSION}` }),
  name: z.string().min(1).max(100),
  version: z.string().min(1).max(50),
  roots: z.array(z.string().min(1).max(4096)).min(1).max(64),
  tools: z.array(AgentToolSpecSchema).max(100),
  mcp: z.array(AgentMcpServerSpecSchema).max(50),
  /**
   * Calls this agent still holds from before a reconnect (running, or finished with the result
   * not yet delivered). The Worker re-sends any other call still waiting, so a short drop of the
   * tunnel neither loses a call nor runs one twice.
   */
  running: z.array(TunnelCallIdSchema).max(1000).default([]),
  /**
   * Random per agent process, the same across its reconnects. A call delivered to another
   * instance (the agent crashed or was restarted) is not sent again if it edits or executes,
   * since the first run may have happened; it fails instead. Optional: agents before it omit it.
   */
  instance: z.string().min(1).max(100).optional(),
  /** The agent's command sandbox. Optional: agents before it omit it (and had none). */
  sandbox: AgentSandboxSchema.optional(),
});

export const ProgressFrameSchema = z.strictObject({
  type: z.literal("progress"),
  id: TunnelCallIdSchema,
  output: z.string().optional(),
  status: z.string().max(500).optional(),
});

export const ResultFrameSchema = z.strictObject({
  type: z.literal("result"),
  id: TunnelCallIdSchema,
  outcome: ToolOutcomeSchema,
  duration_ms: z.number().int().nonnegative(),
});

export const AgentPongFrameSchema = z.strictObject({
  type: z.literal("pong"),
  nonce: z.string().max(100),
});

export const AgentToWorkerSchema = z.discriminatedUnion("type", [
  RegisterFrameSchema,
  ProgressFrameSchema,
  ResultFrameSchema,
  AgentPongFrameSchema,
]);
export type AgentToWorker = z.infer<typeof AgentToWorkerSchema>;

// ── worker → agent ─────────────────────────────────────────────────────────────────────────

export const CallFrameSchema = z.looseObject({
  type: z.literal("call"),
  id: TunnelCallIdSchema,
  /** A tool name, or `<server>__<tool>` for a stdio MCP server on the agent. */
  tool: z.string().min(1).max(200),
  params: z.record(z.string(), z.unknown()),
  cwd: z.string().nullable(),
  /**
   * Epoch milliseconds (the Worker's clock) after which the Worker has given up on this call.
   * Only right on the agent if both clocks agree; agents use `timeout_ms` when it is there.
   */
  deadline: z.number().int().positive(),
  /**
   * How long the Worker still waits, counted from when it sent this frame: the agent times the
   * call with its own monotonic clock, so a skewed or jumping clock on either side does not cut
   * the call short or let it run on. Optional only for Workers that predate it.
   */
  timeout_ms: z.number().int().positive().optional(),
});

export const CancelCallFrameSchema = z.looseObject({
  type: z.literal("cancel"),
  id: TunnelCallIdSchema,
});

export const AgentPingFrameSchema = z.looseObject({
  type: z.literal("ping"),
  nonce: z.string().max(100),
});

export const WorkerToAgentSchema = z.discriminatedUnion("type", [CallFrameSchema, CancelCallFrameSchema, AgentPingFrameSchema]);
export type WorkerToAgent = z.infer<typeof WorkerToAgentSchema>;

/**
 * Close codes the Worker ends a tunnel with. An agent reconnects after any of them but
 * `revoked` (its token no longer works), `replaced` (another agent uses the same token; taking
 * the tunnel back would start a tug of war) and `invalidFrame` (it must be upgraded first).
 */
export const TUNNEL_CLOSE = {
  /** A newer connection of the same agent took over. */
  replaced: 4000,
  /** The agent token was revoked while connected. */
  revoked: 4001,
  /** The agent stopped answering pings. */
  silent: 4002,
  /** A frame the Worker cannot accept (malformed, or sent before `register`). */
  invalidFrame: 4400,
} as const;
