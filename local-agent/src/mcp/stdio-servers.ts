/**
 * The stdio MCP servers configured on this machine: started once with the official SDK client,
 * their tools listed for `register`, and calls routed to them by `<server>__<tool>`. A server
 * that fails to start is reported and left out; the agent and the other servers carry on.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { type AgentToolSpec, type ToolOutcome, mcpResultToOutcome, mcpToolKind, splitMcpToolName } from "@maestro/protocol";
import type { StdioMcpServer } from "../config.ts";
import type { Logger } from "../log.ts";

interface RunningServer {
  readonly name: string;
  readonly client: Client;
  readonly tools: AgentToolSpec[];
}

const START_TIMEOUT_MS = 30_000;

export class StdioMcpServers {
  readonly #servers = new Map<string, RunningServer>();
  readonly #log: Logger;

  private constructor(log: Logger) {
    this.#log = log;
  }

  static async start(configs: readonly StdioMcpServer[], log: Logger): Promise<StdioMcpServers> {
    const hub = new StdioMcpServers(log);
    await Promise.all(configs.map((config) => hub.#startOne(config)));
    return hub;
  }

  /** What `register` tells the Worker. */
  specs(): { name: string; tools: AgentToolSpec[] }[] {
    return [...this.#servers.values()].map((server) => ({ name: server.name, tools: server.tools }));
  }

  /** Whether a call frame's tool name belongs to one of these servers. */
  owns(tool: string): boolean {
    const split = splitMcpToolName(tool);
    return split !== undefined && this.#servers.has(split.server);
  }

  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal, timeoutMs: number): Promise<ToolOutcome> {
    const split = splitMcpToolName(tool);
    const server = split === undefined ? undefined : this.#servers.get(split.server);
    if (split === undefined || server === undefined) {
      return { ok: false, code: "TOOL_NOT_FOUND", message: `No MCP server on this machine offers "${tool}".`, recoverable: true };
    }
    try {
      const result = await server.client.callTool({ name: split.tool, arguments: args }, undefined, { signal, timeout: timeoutMs });
      return mcpResultToOutcome(result as Parameters<typeof mcpResultToOutcome>[0]);
    } catch (error) {
      if (signal.aborted) return { ok: false, code: "CANCELLED", message: "The call was cancelled.", recoverable: false };
      const message = error instanceof Error ? error.message : "unknown error";
      return { ok: false, code: "MCP_ERROR", message: `The MCP server "${server.name}" failed the call: ${message}`, recoverable: true };
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#servers.values()].map((server) => server.client.close().catch(() => undefined)));
    this.#servers.clear();
  }

  async #startOne(config: StdioMcpServer): Promise<void> {
    const client = new Client({ name: "maestro-agent", version: "0.1.0" });
    const transport = new StdioClientTransport({
      command: config.command,
      args: config.args,
      env: { ...getDefaultEnvironment(), ...config.env },
      ...(config.cwd !== undefined && { cwd: config.cwd }),
      stderr: "ignore",
    });
    try {
      await client.connect(transport, { timeout: START_TIMEOUT_MS });
      const tools: AgentToolSpec[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? {} : { cursor });
        for (const tool of page.tools) {
          tools.push({
            name: tool.name,
            description: (tool.description ?? tool.title ?? tool.name).slice(0, 10_000),
            kind: mcpToolKind(tool.annotations),
            input_schema: tool.inputSchema,
          });
        }
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      this.#servers.set(config.name, { name: config.name, client, tools });
      this.#log.info("mcp.started", { server: config.name, tools: tools.length });
    } catch (error) {
      await client.close().catch(() => undefined);
      this.#log.error("mcp.start_failed", { server: config.name, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
