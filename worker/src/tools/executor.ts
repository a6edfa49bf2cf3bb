/**
 * Running a tool call where it belongs (DESIGN §2 step 5): Worker built-ins here, local tools and
 * the agent's stdio MCP servers on the user's machine through AgentDO, remote MCP tools on their
 * server. Worker built-ins are validated here; the agent and MCP servers validate their own.
 * Every expected failure is an outcome the model can read.
 */
import {
  type AgentId,
  type ToolApproval,
  type ToolKind,
  type ToolOutcome,
  type ToolSource,
  TunnelCallIdSchema,
  describeFieldIssues,
  toFieldIssues,
} from "@maestro/protocol";
import type { AgentCallRequest } from "../agents/agent-port.ts";
import type { RemoteMcpServer } from "../mcp/client.ts";
import type { ToolDefinition } from "../providers/provider.ts";
import type { ToolCallRequest, ToolInfo, ToolProgress, ToolRuntime } from "../session/turn-ports.ts";
import { workerTools } from "./builtin/index.ts";
import { MACHINE_PARAM } from "./machine-tools.ts";

/** A local agent a call may run on, and the name the user and the model know it by. */
export interface Machine {
  readonly agentId: AgentId;
  readonly name: string;
}

/** Where an offered tool runs. */
export type ToolRoute =
  | { readonly via: "worker" }
  /**
   * `tool` is the name the agent knows: a built-in, or `<server>__<tool>` of a stdio server.
   * `pick`: "only" runs on the one machine (none: the agent is offline); "param" on the one the
   * call's `machine` argument names (machine-tools.ts), which is removed before the agent sees it.
   */
  | { readonly via: "agent"; readonly tool: string; readonly machines: readonly Machine[]; readonly pick: "only" | "param" }
  | { readonly via: "remote_mcp"; readonly server: RemoteMcpServer; readonly tool: string };

export interface AvailableTool {
  readonly name: string;
  readonly description: string;
  readonly kind: ToolKind;
  readonly source: ToolSource;
  readonly approval: ToolApproval;
  readonly inputSchema: Record<string, unknown>;
  readonly route: ToolRoute;
}

/** How calls leave the Worker; injected so tests can stand in for the agent and MCP servers. */
export interface ToolCallers {
  readonly fetch: typeof fetch;
  callAgent(agentId: AgentId, request: AgentCallRequest, options: CallOptions): Promise<ToolOutcome>;
  callRemoteMcp(server: RemoteMcpServer, tool: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolOutcome>;
}

interface CallOptions {
  readonly signal: AbortSignal;
  readonly onProgress: (progress: ToolProgress) => void;
  readonly timeoutMs: number;
}

export interface ExecutorOptions {
  readonly tools: readonly AvailableTool[];
  readonly callers: ToolCallers;
  /** The session's working directory on the agent's machine. */
  readonly cwd: string | null;
  readonly now: () => number;
}

const NO_AGENT: ToolOutcome = {
  ok: false,
  code: "AGENT_OFFLINE",
  message: "No local agent is connected, so tools on the user's machine cannot run. Tell the user to start maestro-agent.",
  recoverable: false,
};

/** How long the Worker waits for a call. Commands get their own timeout plus time to report. */
const REPORT_MARGIN_MS = 10_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
const CALL_TIMEOUT_MS = { read: 60_000, edit: 60_000, fetch: 120_000, execute: 120_000 } satisfies Record<ToolKind, number>;

function timeoutFor(tool: AvailableTool, args: Record<string, unknown>): number {
  if (tool.source === "local" && tool.kind === "execute") {
    const requested = typeof args.timeout_ms === "number" ? args.timeout_ms : DEFAULT_COMMAND_TIMEOUT_MS;
    return requested + REPORT_MARGIN_MS;
  }
  return CALL_TIMEOUT_MS[tool.kind];
}

export function createToolRuntime(options: ExecutorOptions): ToolRuntime {
  const byName = new Map(options.tools.map((tool) => [tool.name, tool]));
  const definitions: ToolDefinition[] = options.tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
  }));
  return {
    definitions,
    describe(name: string, args: Record<string, unknown> = {}): ToolInfo | undefined {
      const tool = byName.get(name);
      if (tool === undefined) return undefined;
      const machine = tool.route.via === "agent" ? chooseMachine(tool.route, args) : undefined;
      return {
        kind: tool.kind,
        approval: tool.approval,
        source: tool.source,
        agentId: machine?.agentId ?? null,
        machine: machine?.name ?? null,
      };
    },
    async execute(call: ToolCallRequest, context: { signal: AbortSignal; onProgress: (progress: ToolProgress) => void }) {
      const tool = byName.get(call.name);
      if (tool === undefined)
        return { ok: false, code: "TOOL_NOT_FOUND", message: `There is no tool named "${call.name}".`, recoverable: true };
      const callOptions = { ...context, timeoutMs: timeoutFor(tool, call.args) };
      switch (tool.route.via) {
        case "worker":
          return runWorkerTool(call, context, options.callers.fetch);
        case "agent": {
          const machine = chooseMachine(tool.route, call.args);
          if (machine === undefined) return tool.route.pick === "only" ? NO_AGENT : noSuchMachine(tool.route, call.args);
          const several = tool.route.pick === "param";
          const { [MACHINE_PARAM]: _machine, ...params } = call.args;
          return options.callers.callAgent(
            machine.agentId,
            {
              id: TunnelCallIdSchema.parse(crypto.randomUUID()),
              tool: tool.route.tool,
              params: several ? params : call.args,
              // The session's working directory is a path on one machine; with several, each
              // agent starts in its own first root.
              cwd: several ? null : options.cwd,
              deadline: options.now() + callOptions.timeoutMs,
            },
            callOptions,
          );
        }
        case "remote_mcp":
          return options.callers.callRemoteMcp(tool.route.server, tool.route.tool, call.args, callOptions);
      }
    },
  };
}

/** The machine a call runs on; undefined when there is none, or the call names none it offers. */
function chooseMachine(route: Extract<ToolRoute, { via: "agent" }>, args: Record<string, unknown>): Machine | undefined {
  if (route.pick === "only") return route.machines[0];
  return route.machines.find((machine) => machine.name === args[MACHINE_PARAM]);
}

function noSuchMachine(route: Extract<ToolRoute, { via: "agent" }>, args: Record<string, unknown>): ToolOutcome {
  const names = route.machines.map((machine) => `"${machine.name}"`).join(", ");
  const given = args[MACHINE_PARAM];
  return {
    ok: false,
    code: "INVALID_PARAMS",
    message: `${given === undefined ? "No machine was named" : `There is no machine ${JSON.stringify(given)} for this tool`}: set "${MACHINE_PARAM}" to one of ${names}.`,
    recoverable: true,
  };
}

async function runWorkerTool(
  call: ToolCallRequest,
  context: { signal: AbortSignal; onProgress: (progress: ToolProgress) => void },
  fetcher: typeof fetch,
): Promise<ToolOutcome> {
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
  return builtin.run(params.data, { fetch: fetcher, signal: context.signal, onProgress: context.onProgress });
}
