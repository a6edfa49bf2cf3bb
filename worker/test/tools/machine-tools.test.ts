// Proves: how a session's local tools look to the model with 0, 1 and 2 machines, and where a call
// goes. With none or one the names and schemas are exactly the registry's (existing sessions see
// no change); with two every local tool (and each agent's stdio MCP tool, on the machines that
// offer it) takes a required `machine` enum naming the machines and their roots, every name stays
// valid for every provider, and a call runs on the machine it names — without the `machine`
// argument — or fails, recoverably, without running anywhere.
import { type AgentId, AgentIdSchema, type ToolOutcome, builtinToolInputSchema } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import type { Registration } from "../../src/agents/agent-port.ts";
import type { RegistryTool } from "../../src/db/queries/tools.ts";
import { type AgentCallRequest } from "../../src/agents/agent-port.ts";
import { createToolRuntime } from "../../src/tools/executor.ts";
import { type BoundMachine, machineMcpTools, machineTool } from "../../src/tools/machine-tools.ts";

const READ_FILE: RegistryTool = {
  name: "read_file",
  description: "Read a file.",
  kind: "read",
  source: "local",
  approval: "default",
  inputSchema: builtinToolInputSchema("read_file"),
};

const LAPTOP = AgentIdSchema.parse("6a2f8f2e-0d7e-4a49-9a53-6f0c6d2b0001");
const CI_BOX = AgentIdSchema.parse("6a2f8f2e-0d7e-4a49-9a53-6f0c6d2b0002");

function registration(name: string, roots: string[], mcp: Registration["mcp"] = []): Registration {
  return { name, version: "1", roots, tools: [], mcp };
}

const echoServer = (tools: string[]): Registration["mcp"][number] => ({
  name: "notes",
  tools: tools.map((tool) => ({
    name: tool,
    description: `${tool} a note`,
    kind: "read" as const,
    input_schema: { type: "object", properties: { text: { type: "string" } } },
  })),
});

const laptop: BoundMachine = {
  agentId: LAPTOP,
  name: "laptop",
  roots: ["/home/me/app"],
  registration: registration("laptop", ["/home/me/app"], [echoServer(["search", "add"])]),
};
const ciBox: BoundMachine = {
  agentId: CI_BOX,
  name: "ci box",
  roots: ["/srv/ci"],
  registration: registration("ci", ["/srv/ci"], [echoServer(["search"])]),
};

const PROVIDER_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

describe("the model's view of a session's machines", () => {
  it("with no machine keeps the tool as it is, and its calls fail as offline", async () => {
    const tool = machineTool(READ_FILE, []);
    expect({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema }).toEqual({
      name: READ_FILE.name,
      description: READ_FILE.description,
      inputSchema: READ_FILE.inputSchema,
    });
    const runtime = createToolRuntime({ tools: [tool], callers: refusingCallers(), cwd: "/x", now: () => 0 });
    const outcome = await runtime.execute({ callId: "c" as never, name: "read_file", args: { path: "a" } }, context());
    expect(outcome).toMatchObject({ ok: false, code: "AGENT_OFFLINE" });
    expect(machineMcpTools([], null)).toEqual([]);
  });

  it("with one machine keeps today's names and schemas, runs there with the session's cwd, and names it", async () => {
    const tools = [machineTool(READ_FILE, [laptop]), ...machineMcpTools([laptop], null)];
    expect(tools.map((tool) => tool.name)).toEqual(["read_file", "notes__search", "notes__add"]);
    expect(tools[0]?.inputSchema).toEqual(READ_FILE.inputSchema);
    expect(tools[0]?.description).toBe(READ_FILE.description);
    expect(tools[1]?.inputSchema).toEqual({ type: "object", properties: { text: { type: "string" } } });

    const calls: { agentId: AgentId; request: AgentCallRequest }[] = [];
    const runtime = createToolRuntime({ tools, callers: recordingCallers(calls), cwd: "/home/me/app/src", now: () => 0 });
    expect(runtime.describe("read_file", { path: "a" })).toMatchObject({ agentId: LAPTOP, machine: "laptop" });
    await runtime.execute({ callId: "c" as never, name: "read_file", args: { path: "a" } }, context());
    await runtime.execute({ callId: "d" as never, name: "notes__add", args: { text: "t" } }, context());
    expect(calls.map(({ agentId, request }) => [agentId, request.tool, request.params, request.cwd])).toEqual([
      [LAPTOP, "read_file", { path: "a" }, "/home/me/app/src"],
      [LAPTOP, "notes__add", { text: "t" }, "/home/me/app/src"],
    ]);
  });

  it("with two machines adds a required `machine` enum, with each machine's roots in the description", () => {
    const tool = machineTool(READ_FILE, [laptop, ciBox]);
    expect(tool.name).toBe("read_file");
    expect(tool.inputSchema).toEqual({
      ...READ_FILE.inputSchema,
      properties: {
        ...(READ_FILE.inputSchema.properties as object),
        machine: { type: "string", enum: ["laptop", "ci box"], description: expect.any(String) },
      },
      required: ["machine", ...(READ_FILE.inputSchema.required as string[])],
    });
    expect(tool.description).toContain(READ_FILE.description);
    expect(tool.description).toContain('"laptop" (roots: /home/me/app)');
    expect(tool.description).toContain('"ci box" (roots: /srv/ci)');
  });

  it("offers each stdio MCP tool once, on the machines that registered it, with valid provider names", () => {
    const tools = machineMcpTools([laptop, ciBox], null);
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
    expect(Object.keys(byName)).toEqual(["notes__search", "notes__add"]);
    expect((byName.notes__search?.inputSchema.properties as Record<string, { enum?: string[] }>).machine?.enum).toEqual([
      "laptop",
      "ci box",
    ]);
    expect((byName.notes__add?.inputSchema.properties as Record<string, { enum?: string[] }>).machine?.enum).toEqual(["laptop"]);
    for (const tool of [...tools, machineTool(READ_FILE, [laptop, ciBox])]) expect(tool.name).toMatch(PROVIDER_TOOL_NAME);
    expect(machineMcpTools([laptop, ciBox], ["other"])).toEqual([]);
  });

  it("routes each call to the machine it names, without the argument and without the session's cwd", async () => {
    const calls: { agentId: AgentId; request: AgentCallRequest }[] = [];
    const tools = [machineTool(READ_FILE, [laptop, ciBox]), ...machineMcpTools([laptop, ciBox], null)];
    const runtime = createToolRuntime({ tools, callers: recordingCallers(calls), cwd: "/home/me/app", now: () => 0 });
    expect(runtime.describe("read_file", { machine: "ci box", path: "x" })).toMatchObject({ agentId: CI_BOX, machine: "ci box" });

    await runtime.execute({ callId: "a" as never, name: "read_file", args: { machine: "laptop", path: "README.md" } }, context());
    await runtime.execute({ callId: "b" as never, name: "read_file", args: { machine: "ci box", path: "build.log" } }, context());
    await runtime.execute({ callId: "c" as never, name: "notes__search", args: { machine: "ci box", text: "q" } }, context());
    expect(calls.map(({ agentId, request }) => [agentId, request.tool, request.params, request.cwd])).toEqual([
      [LAPTOP, "read_file", { path: "README.md" }, null],
      [CI_BOX, "read_file", { path: "build.log" }, null],
      [CI_BOX, "notes__search", { text: "q" }, null],
    ]);
  });

  it("refuses a call that names no machine, or one the tool is not on, and runs nothing", async () => {
    const calls: { agentId: AgentId; request: AgentCallRequest }[] = [];
    const tools = [machineTool(READ_FILE, [laptop, ciBox]), ...machineMcpTools([laptop, ciBox], null)];
    const runtime = createToolRuntime({ tools, callers: recordingCallers(calls), cwd: null, now: () => 0 });
    const missing = await runtime.execute({ callId: "a" as never, name: "read_file", args: { path: "x" } }, context());
    const unknown = await runtime.execute({ callId: "b" as never, name: "read_file", args: { machine: "desktop", path: "x" } }, context());
    const notThere = await runtime.execute({ callId: "c" as never, name: "notes__add", args: { machine: "ci box", text: "t" } }, context());
    for (const outcome of [missing, unknown, notThere])
      expect(outcome).toMatchObject({ ok: false, code: "INVALID_PARAMS", recoverable: true });
    expect(unknown).toMatchObject({ message: expect.stringContaining('"laptop", "ci box"') });
    expect(notThere).toMatchObject({ message: expect.stringContaining('"laptop"') });
    expect(runtime.describe("read_file", { path: "x" })).toMatchObject({ agentId: null, machine: null });
    expect(calls).toEqual([]);
  });
});

function context() {
  return { signal: new AbortController().signal, onProgress: () => undefined };
}

function recordingCallers(calls: { agentId: AgentId; request: AgentCallRequest }[]) {
  return {
    fetch,
    callAgent: async (agentId: AgentId, request: AgentCallRequest): Promise<ToolOutcome> => {
      calls.push({ agentId, request });
      return { ok: true, output: "done" };
    },
    callRemoteMcp: async (): Promise<ToolOutcome> => ({ ok: false, code: "INTERNAL", message: "no", recoverable: false }),
  };
}

function refusingCallers() {
  return recordingCallers([]);
}
