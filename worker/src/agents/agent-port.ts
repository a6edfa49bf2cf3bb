/**
 * The way sessions and routes reach a local agent: its Durable Object by id, what it registered,
 * and a tool call that is cancelled on the agent when the caller's signal aborts. Nothing here
 * knows about sockets; AgentDO does.
 */
import {
  type AgentId,
  type AgentOfflineMode,
  type AgentSandbox,
  type RegisterFrameSchema,
  type ToolKind,
  type ToolOutcome,
  type TunnelCallId,
  splitMcpToolName,
} from "@maestro/protocol";
import type { z } from "zod";
import type { Database } from "../db/client.ts";
import { recentAgentIds } from "../db/queries/agents.ts";
import type { Env } from "../env.ts";
import type { ToolProgress } from "../session/turn-ports.ts";

export { TUNNEL_CLOSE } from "@maestro/protocol";

/** What a connected agent offers: its name, version, roots, tools and stdio MCP servers. */
export type Registration = Omit<z.output<typeof RegisterFrameSchema>, "type" | "protocol_version" | "running">;

/** The kind the agent gave a tool it offers (a built-in, or `<server>__<tool>`); undefined if none. */
export function registeredKind(registration: Registration, tool: string): ToolKind | undefined {
  const builtin = registration.tools.find((spec) => spec.name === tool);
  if (builtin !== undefined) return builtin.kind;
  const mcp = splitMcpToolName(tool);
  if (mcp === undefined) return undefined;
  return registration.mcp.find((spec) => spec.name === mcp.server)?.tools.find((spec) => spec.name === mcp.tool)?.kind;
}

export interface AgentCallRequest {
  readonly id: TunnelCallId;
  readonly tool: string;
  readonly params: Record<string, unknown>;
  readonly cwd: string | null;
  /**
   * Epoch milliseconds; after it the call ends with TIMEOUT and the agent is told to stop. Time
   * the agent spends offline does not count: the call's clock pauses (see PendingCalls).
   */
  readonly deadline: number;
  /** What to do while the agent is offline; absent: fail at once, hold a handed-over call 10 minutes. */
  readonly offline?: AgentOfflinePolicy;
}

/** The session's `agent_offline` and `agent_offline_grace_ms`. */
export interface AgentOfflinePolicy {
  readonly mode: AgentOfflineMode;
  readonly graceMs: number;
}

export interface AgentStatus {
  readonly connected: boolean;
  readonly registration: Registration | null;
}

/** Connected or not, and the command sandbox it last registered (what GET /agents shows). */
export async function agentLive(env: Env, agentId: AgentId): Promise<{ connected: boolean; sandbox: AgentSandbox | null }> {
  const status = await agentStatus(env, agentId);
  return { connected: status.connected, sandbox: status.registration?.sandbox ?? null };
}

export function agentStub(env: Env, agentId: AgentId) {
  return env.AGENT.get(env.AGENT.idFromName(agentId));
}

export async function agentStatus(env: Env, agentId: AgentId): Promise<AgentStatus> {
  return agentStub(env, agentId).status();
}

/** Runs one call on the agent; aborting the signal cancels it there (the process group dies). */
export async function callAgent(
  env: Env,
  agentId: AgentId,
  request: AgentCallRequest,
  options: { signal: AbortSignal; onProgress: (progress: ToolProgress) => void },
): Promise<ToolOutcome> {
  const stub = agentStub(env, agentId);
  const cancel = () => void stub.cancel(request.id).catch(() => undefined);
  if (options.signal.aborted) return { ok: false, code: "CANCELLED", message: "The call was cancelled.", recoverable: false };
  options.signal.addEventListener("abort", cancel, { once: true });
  try {
    return await stub.call(request, options.onProgress);
  } finally {
    options.signal.removeEventListener("abort", cancel);
  }
}

const CANDIDATES = 10;

/**
 * The agent a session's local tools run on: the one it names, or else the most recently seen
 * agent that is connected now. Null when there is none, so the tools fail fast as offline.
 */
export async function resolveSessionAgent(
  env: Env,
  db: Database,
  named: AgentId | null,
): Promise<{ readonly agentId: AgentId; readonly registration: Registration | null } | null> {
  if (named !== null) return { agentId: named, registration: (await agentStatus(env, named)).registration };
  const candidates = await recentAgentIds(db, CANDIDATES);
  const statuses = await Promise.all(candidates.map(async (agentId) => ({ agentId, status: await agentStatus(env, agentId) })));
  const live = statuses.find((candidate) => candidate.status.connected);
  return live === undefined ? null : { agentId: live.agentId, registration: live.status.registration };
}
