/**
 * The tools one turn offers the model, each with where it runs: the registry's enabled tools
 * (Worker built-ins, and the local agent's built-ins on the session's agent), the stdio MCP
 * servers that agent registered, and the enabled remote MCP servers (tool lists from the cache).
 * A server that cannot be reached costs only its own tools, never the turn.
 */
import { type AgentId, mcpToolName, modelToolName } from "@maestro/protocol";
import type { Redis } from "@upstash/redis/cloudflare";
import { type Registration, resolveSessionAgent } from "../agents/agent-port.ts";
import type { KeyRing } from "../auth/key-ring.ts";
import type { Database } from "../db/client.ts";
import { remoteServersFor } from "../db/queries/mcp-servers.ts";
import { toolsForSession } from "../db/queries/tools.ts";
import type { Env } from "../env.ts";
import type { Logger } from "../log.ts";
import { listServerTools } from "../mcp/client.ts";
import { type CallableMcpServer, callableServer } from "../mcp/servers.ts";
import { cachedServerTools } from "../mcp/tool-cache.ts";
import type { AvailableTool } from "./executor.ts";

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
  readonly agentId: AgentId | null;
}

export async function loadSessionTools(sources: ToolSources, scope: SessionToolScope): Promise<AvailableTool[]> {
  const [registry, agent, remote] = await Promise.all([
    toolsForSession(sources.db, scope.enabledTools),
    resolveSessionAgent(sources.env, sources.db, scope.agentId),
    remoteMcpTools(sources, scope.enabledMcp),
  ]);
  const agentId = agent?.agentId ?? null;
  const fromRegistry = registry.map((tool): AvailableTool => {
    if (tool.source === "worker") return { ...tool, route: { via: "worker" } };
    return { ...tool, route: { via: "agent", agentId, tool: tool.name } };
  });
  const fromAgent = agent?.registration == null ? [] : agentMcpTools(agent.agentId, agent.registration, scope.enabledMcp);
  return dedupe([...fromRegistry, ...fromAgent, ...remote], sources.log);
}

function agentMcpTools(agentId: AgentId, registration: Registration, enabled: readonly string[] | null): AvailableTool[] {
  return registration.mcp
    .filter((server) => enabled === null || enabled.includes(server.name))
    .flatMap((server) =>
      server.tools.map((tool): AvailableTool => ({
        name: modelToolName(server.name, tool.name),
        description: tool.description,
        kind: tool.kind,
        source: "mcp",
        approval: "default",
        inputSchema: tool.input_schema,
        route: { via: "agent", agentId, tool: mcpToolName(server.name, tool.name) },
      })),
    );
}

async function remoteMcpTools(sources: ToolSources, enabled: readonly string[] | null): Promise<AvailableTool[]> {
  const { servers, unreadable } = await remoteServersFor(sources.db, sources.keyRing, enabled);
  for (const name of unreadable) sources.log.error("mcp.headers_unreadable", { mcp_server: name });
  const lists = await Promise.all(servers.map((server) => toolsOf(sources, callableServer(server, sources.db, sources.keyRing))));
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
