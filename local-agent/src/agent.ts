/**
 * One running agent: roots checked, stdio MCP servers started, tunnel dialled, calls served.
 * main.ts wraps it for the command line; tests and the benchmark start it in-process.
 */
import { randomUUID } from "node:crypto";
import { BUILTIN_TOOLS, type BuiltinToolName, builtinToolInputSchema } from "@maestro/protocol";
import type { AgentConfig } from "./config.ts";
import type { Logger } from "./log.ts";
import { StdioMcpServers } from "./mcp/stdio-servers.ts";
import { type CommandSandbox, detectSandbox, noSandbox } from "./sandbox/os-sandbox.ts";
import { Roots } from "./sandbox/roots.ts";
import { runTool } from "./tools/registry.ts";
import { TunnelConnection } from "./tunnel/connection.ts";
import { Dispatcher } from "./tunnel/dispatcher.ts";
import { AGENT_VERSION } from "./version.ts";

export interface RunningAgent {
  readonly connection: TunnelConnection;
  readonly roots: Roots;
  readonly sandbox: CommandSandbox;
  stop(): Promise<void>;
}

const TOOL_SPECS = (Object.keys(BUILTIN_TOOLS) as BuiltinToolName[]).map((name) => ({
  name,
  description: BUILTIN_TOOLS[name].description,
  kind: BUILTIN_TOOLS[name].kind,
  input_schema: builtinToolInputSchema(name),
}));

export async function startAgent(
  // deny is optional here: callers that build a config by hand (tests, the benchmark) get the default list.
  config: Omit<AgentConfig, "deny"> & { readonly deny?: readonly string[] },
  options: {
    log: Logger;
    onFatal: (reason: string) => void;
    backoff?: { baseMs: number; maxMs: number };
    /** Tests pass one; otherwise the machine's is detected. */
    sandbox?: CommandSandbox;
  },
): Promise<RunningAgent> {
  const roots = await Roots.create(config.roots, config.deny);
  options.log.info("agent.files", { roots: roots.paths.join(", "), deny: roots.deny.rules.join(" ") });
  const mcp = await StdioMcpServers.start(config.mcp, options.log);
  const sandbox =
    options.sandbox ??
    (process.env.MAESTRO_SANDBOX === "off"
      ? noSandbox("turned off with MAESTRO_SANDBOX=off")
      : detectSandbox({ network: config.network ?? true }));
  if (sandbox.mode === "none")
    options.log.warn("sandbox.none", { problem: `commands are not sandboxed: ${sandbox.reason ?? "no sandbox"}` });
  else options.log.info("sandbox.on", { commands: sandbox.mode, network: sandbox.network });
  const connection = new TunnelConnection({
    url: config.url,
    token: config.token,
    registration: {
      name: config.name,
      version: AGENT_VERSION,
      roots: [...roots.paths],
      tools: TOOL_SPECS,
      mcp: mcp.specs(),
      // New per process, kept across reconnects: the Worker tells a restart from a dropped tunnel
      // by it, and does not hand a restarted agent the edits and commands its predecessor got.
      instance: randomUUID(),
      sandbox: { commands: sandbox.mode, network: sandbox.network },
    },
    log: options.log,
    onFatal: options.onFatal,
    ...(options.backoff !== undefined && { backoff: options.backoff }),
  });
  const dispatcher = new Dispatcher({ roots, sandbox, mcp, runTool, send: (frame) => connection.send(frame), log: options.log });
  connection.start(dispatcher);
  return {
    connection,
    roots,
    sandbox,
    async stop() {
      dispatcher.cancelAll();
      connection.stop();
      await mcp.close();
    },
  };
}
