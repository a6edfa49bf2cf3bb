/**
 * The tools one turn offers the model, each with where it runs: the registry's enabled tools
 * (Worker built-ins, and the local agents' built-ins on the session's machines), the stdio MCP
 * servers those agents registered (machine-tools.ts), and the enabled remote MCP servers (tool
 * lists from the cache).
 * A server that cannot be reached costs only its own tools, never the turn.
 */
import { type AgentId, modelToolName } from "@maestro/protocol";
import type { Redis } from "@upstash/redis/cloudflare";
import { resolveSessionMachines } from "../agents/agent-port.ts";
import type { KeyRing } from "../auth/key-ring.ts";
import type { Database } from "../db/client.ts";
import { remoteServersFor } from "../db/queries/mcp-servers.ts";
import { toolsForSession } from "../db/queries/tools.ts";
import type { Env } from "../env.ts";
import type { Logger } from "../log.ts";
import { listServerTools } from "../mcp/client.ts";
import { type CallableMcpServer, callableServer } from "../mcp/servers.ts";
import { cachedServerTools } from "../mcp/tool-cache.ts";
import { noticeInputsChange } from "../session/input-notices.ts";
import type { AvailableTool } from "./executor.ts";
import { machineMcpTools, machineTool } from "./machine-tools.ts";

export interface ToolSources {
  readonly env: Env;
  readonly db: Database;
  readonly redis: Redis;
  readonly keyRing: KeyRing;
  readonly fetch: typeof fetch;
  readonly log: Logger;
}

export interface SessionToolScope {
  readonly enabledTools: readonly string[] | null;
  readonly enabledMcp: readonly string[] | null;
  /** The bound agents (empty: the most recently seen connected one). */
  readonly agentIds: readonly AgentId[];
  /** With none bound: the recently seen agents to choose from, when the caller has read them already. */
  readonly recentAgentIds?: readonly AgentId[];
}

export async function loadSessionTools(sources: ToolSources, scope: SessionToolScope): Promise<AvailableTool[]> {
  const [registry, machines, remote] = await Promise.all([
    toolsForSession(sources.db, scope.enabledTools),
    resolveSessionMachines(sources.env, sources.db, scope.agentIds, scope.recentAgentIds),
    remoteMcpTools(sources, scope.enabledMcp),
  ]);
  const fromRegistry = registry.map((tool): AvailableTool =>
    tool.source === "worker" ? { ...tool, route: { via: "worker" } } : machineTool(tool, machines),
  );
  return dedupe([...fromRegistry, ...machineMcpTools(machines, scope.enabledMcp), ...remote], sources.log);
}

async function remoteMcpTools(sources: ToolSources, enabled: readonly string[] | null): Promise<AvailableTool[]> {
  const { servers, unreadable } = await remoteServersFor(sources.db, sources.keyRing, enabled);
  for (const name of unreadable) sources.log.error("mcp.headers_unreadable", { mcp_server: name });
  // A login refreshed during a call is stored; the sessions holding the old tokens warm are told.
  const saved = () => noticeInputsChange(sources.env, sources.log, "mcp_servers");
  const lists = await Promise.all(servers.map((server) => toolsOf(sources, callableServer(server, sources.db, sources.keyRing, saved))));
  return lists.flat();
}

async function toolsOf(sources: ToolSources, server: CallableMcpServer): Promise<AvailableTool[]> {
  try {
    const specs = await cachedServerTools(sources.redis, server, () => listServerTools(server, sources.fetch), sources.log);
    return specs.map((spec) => ({
      name: modelToolName(server.name, spec.name),
      description: spec.description,
      kind: spec.kind,
      source: "mcp",
      approval: "default",
      inputSchema: spec.inputSchema,
      route: { via: "remote_mcp", server, tool: spec.name },
    }));
  } catch (error) {
    sources.log.warn("mcp.tools_unavailable", { mcp_server: server.name, error });
    return [];
  }
}

/** Two sources offering one name: the first keeps it (registry, then agent, then remote). */
function dedupe(tools: readonly AvailableTool[], log: Logger): AvailableTool[] {
  const seen = new Set<string>();
  return tools.filter((tool) => {
    if (!seen.has(tool.name)) return seen.add(tool.name);
    log.warn("tools.duplicate_name", { tool: tool.name });
    return false;
  });
}
