/**
 * Running a tool call where it belongs (DESIGN §2 step 5): Worker built-ins here, local tools on
 * the user's machine through the local agent, MCP tools on their server. Parameters are checked
 * against the tool's schema first; every expected failure is an outcome the model can read.
 */
import { type ToolApproval, type ToolKind, type ToolOutcome, type ToolSource, describeFieldIssues, toFieldIssues } from "@maestro/protocol";
import type { ToolDefinition } from "../providers/provider.ts";
import type { ToolCallRequest, ToolInfo, ToolProgress, ToolRuntime } from "../session/turn-ports.ts";
import { workerTools } from "./builtin/index.ts";

export interface AvailableTool {
  readonly name: string;
  readonly description: string;
  readonly kind: ToolKind;
  readonly source: ToolSource;
  readonly approval: ToolApproval;
  readonly inputSchema: Record<string, unknown>;
}

export interface ExecutorOptions {
  readonly tools: readonly AvailableTool[];
  readonly fetch: typeof fetch;
}

const NO_AGENT: ToolOutcome = {
  ok: false,
  code: "AGENT_OFFLINE",
  message: "No local agent is connected, so tools on the user's machine cannot run. Tell the user to start maestro-agent.",
  recoverable: false,
};

const NO_MCP: ToolOutcome = {
  ok: false,
  code: "MCP_ERROR",
  message: "MCP tools cannot be called yet in this version of The Maestro.",
  recoverable: false,
};

export function createToolRuntime(options: ExecutorOptions): ToolRuntime {
  const byName = new Map(options.tools.map((tool) => [tool.name, tool]));
  const definitions: ToolDefinition[] = options.tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
  }));
  return {
    definitions,
    describe(name: string): ToolInfo | undefined {
      const tool = byName.get(name);
      return tool === undefined ? undefined : { kind: tool.kind, approval: tool.approval, source: tool.source };
    },
    async execute(
      call: ToolCallRequest,
      context: { signal: AbortSignal; onProgress: (progress: ToolProgress) => void },
    ): Promise<ToolOutcome> {
      const tool = byName.get(call.name);
      if (tool === undefined)
        return { ok: false, code: "TOOL_NOT_FOUND", message: `There is no tool named "${call.name}".`, recoverable: true };
      if (tool.source === "local") return NO_AGENT;
      if (tool.source === "mcp") return NO_MCP;
      const builtin = workerTools[call.name];
      if (builtin === undefined)
        return { ok: false, code: "TOOL_NOT_FOUND", message: `The Worker has no built-in tool "${call.name}".`, recoverable: false };
      const params = builtin.params.safeParse(call.args);
      if (!params.success) {
        return {
          ok: false,
          code: "INVALID_PARAMS",
          message: `Invalid arguments: ${describeFieldIssues(toFieldIssues(params.error.issues))}`,
          recoverable: true,
        };
      }
      return builtin.run(params.data, { fetch: options.fetch, signal: context.signal, onProgress: context.onProgress });
    },
  };
}
