/**
 * The way sessions and routes reach a local agent: its Durable Object by id, what it registered,
 * and a tool call that is cancelled on the agent when the caller's signal aborts. Nothing here
 * knows about sockets; AgentDO does.
 */
import {
  type AgentId,
  type AgentOfflineMode,
  type RegisterFrameSchema,
  type ToolKind,
  type ToolOutcome,
  type TunnelCallId,
  splitMcpToolName,
} from "@maestro/protocol";
import type { z } from "zod";
import type { Database } from "../db/client.ts";
import { type AgentLive, agentsByIds, recentAgentIds } from "../db/queries/agents.ts";
import type { Env } from "../env.ts";
import type { ToolProgress } from "../session/turn-ports.ts";
import type { BoundMachine } from "../tools/machine-tools.ts";

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
export async function agentLive(env: Env, agentId: AgentId): Promise<AgentLive> {
  const { connected, registration } = await agentStatus(env, agentId);
  return {
    connected,
    sandbox: registration?.sandbox ?? null,
    registered: registration === null ? null : { roots: registration.roots, version: registration.version },
  };
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
 * The machines a session's local tools run on: the agents it binds, in order, or — binding none —
 * the most recently seen agent that is connected now (none when no agent is). A bound agent that
 * is offline stays in the list, so the model still sees it and its calls fail as offline.
 */
export async function resolveSessionMachines(
  env: Env,
  db: Database,
  bound: readonly AgentId[],
  /** The recently seen agents, when the caller has read them already (one query fewer). */
  recent?: readonly AgentId[],
): Promise<BoundMachine[]> {
  if (bound.length === 0) {
    const candidates = recent ?? (await recentAgentIds(db, CANDIDATES));
    const statuses = await Promise.all(candidates.map(async (agentId) => ({ agentId, status: await agentStatus(env, agentId) })));
    const live = statuses.find((candidate) => candidate.status.connected);
    if (live === undefined) return [];
    const identity = (await agentsByIds(db, [live.agentId])).get(live.agentId);
    return [machineOf(live.agentId, identity?.name ?? live.status.registration?.name ?? "local agent", identity?.roots ?? [], live.status)];
  }
  const [identities, statuses] = await Promise.all([
    agentsByIds(db, bound),
    Promise.all(bound.map(async (agentId) => agentStatus(env, agentId))),
  ]);
  return bound.flatMap((agentId, index) => {
    const identity = identities.get(agentId);
    const status = statuses[index];
    return identity === undefined || status === undefined ? [] : [machineOf(agentId, identity.name, identity.roots, status)];
  });
}

/** What the agent's Durable Object still holds of its registration (none when it is gone) is what the model is offered. */
function machineOf(agentId: AgentId, name: string, lastRoots: readonly string[], status: AgentStatus): BoundMachine {
  return { agentId, name, roots: status.registration?.roots ?? lastRoots, registration: status.registration };
}
