/** The real ways a tool call leaves the Worker: down an agent's tunnel, or to a remote MCP server. */
import { type AgentOfflinePolicy, callAgent } from "../agents/agent-port.ts";
import type { Env } from "../env.ts";
import { callServerTool } from "../mcp/client.ts";
import type { ToolCallers } from "./executor.ts";

/** `offline`: the session's choice for calls while its agent is offline (fail at once, or wait). */
export function createToolCallers(env: Env, fetcher: typeof fetch, offline?: AgentOfflinePolicy): ToolCallers {
  return {
    fetch: fetcher,
    callAgent: (agentId, request, options) => callAgent(env, agentId, offline === undefined ? request : { ...request, offline }, options),
    callRemoteMcp: (server, tool, args, options) =>
      callServerTool(server, tool, args, { fetch: fetcher, signal: options.signal, timeoutMs: options.timeoutMs }),
  };
}
