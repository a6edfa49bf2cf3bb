/**
 * The local tools of a session bound to any number of machines (local agents), as the model sees
 * them. Pure: session-tools.ts resolves the machines, executor.ts routes the calls.
 *
 * With none or one machine the tools keep today's names and schemas exactly. With several, each
 * tool keeps its name and gains a required `machine` argument (an enum of the machines that offer
 * it), and its description names each machine's roots. We chose that over namespaced tools
 * (`laptop__read_file`): agent names are free text (spaces, dots, 100 characters) that would have
 * to be mangled to fit provider tool-name rules (^[a-zA-Z0-9_-]{1,64}$), stdio MCP names are
 * already `<server>__<tool>`, and N machines would multiply the tool list by N; one enum keeps the
 * list short, the names valid and the choice of machine explicit in every call.
 */
import { type AgentId, mcpToolName, modelToolName } from "@maestro/protocol";
import type { Registration } from "../agents/agent-port.ts";
import type { RegistryTool } from "../db/queries/tools.ts";
import type { AvailableTool } from "./executor.ts";

/** The argument that picks a machine when a session has several. */
export const MACHINE_PARAM = "machine";

/** A machine a session's local tools may run on. */
export interface BoundMachine {
  readonly agentId: AgentId;
  readonly name: string;
  /** Its roots: as its Durable Object holds them, else as last recorded in local_agents. */
  readonly roots: readonly string[];
  /** What it registered; null when its Durable Object holds none (offline: its calls fail as such). */
  readonly registration: Registration | null;
}

/** A registry tool that runs on the user's machine, routed to the session's machines. */
export function machineTool(tool: RegistryTool, machines: readonly BoundMachine[]): AvailableTool {
  const several = machines.length > 1;
  return {
    ...tool,
    ...(several && withMachineParam(tool, machines)),
    route: {
      via: "agent",
      tool: tool.name,
      machines: machines.map(({ agentId, name }) => ({ agentId, name })),
      pick: several ? "param" : "only",
    },
  };
}

/** Each stdio MCP tool of the machines once, offered on every machine that registered it. */
export function machineMcpTools(machines: readonly BoundMachine[], enabled: readonly string[] | null): AvailableTool[] {
  const several = machines.length > 1;
  const byName = new Map<string, { tool: AvailableTool; on: BoundMachine[] }>();
  for (const machine of machines) {
    for (const server of machine.registration?.mcp ?? []) {
      if (enabled !== null && !enabled.includes(server.name)) continue;
      for (const spec of server.tools) {
        const name = modelToolName(server.name, spec.name);
        const known = byName.get(name);
        if (known !== undefined) {
          known.on.push(machine);
          continue;
        }
        const tool: AvailableTool = {
          name,
          description: spec.description,
          kind: spec.kind,
          source: "mcp",
          approval: "default",
          inputSchema: spec.input_schema,
          route: { via: "agent", tool: mcpToolName(server.name, spec.name), machines: [], pick: "only" },
        };
        byName.set(name, { tool, on: [machine] });
      }
    }
  }
  return [...byName.values()].map(({ tool, on }) => ({
    ...tool,
    ...(several && withMachineParam(tool, on)),
    route: { ...tool.route, machines: on.map(({ agentId, name }) => ({ agentId, name })), pick: several ? "param" : "only" },
  }));
}

function withMachineParam(
  tool: Pick<AvailableTool, "description" | "inputSchema">,
  machines: readonly BoundMachine[],
): Pick<AvailableTool, "description" | "inputSchema"> {
  const where = machines.map((machine) => `"${machine.name}" (roots: ${machine.roots.join(", ") || "none registered"})`).join("; ");
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, unknown>;
  const required = Array.isArray(tool.inputSchema.required) ? (tool.inputSchema.required as unknown[]) : [];
  return {
    description: `${tool.description}\n\nRuns on the machine named in \`${MACHINE_PARAM}\`: ${where}. Paths are that machine's.`,
    inputSchema: {
      ...tool.inputSchema,
      type: "object",
      // Ours wins over a tool's own `machine` argument: the call is routed (and the argument removed) here.
      properties: {
        ...properties,
        [MACHINE_PARAM]: {
          type: "string",
          enum: machines.map((machine) => machine.name),
          description: "The machine (local agent) to run this on.",
        },
      },
      required: [MACHINE_PARAM, ...required.filter((field) => field !== MACHINE_PARAM)],
    },
  };
}
