/**
 * The local agent's configuration: where the Worker is, the agent token, the roots it may touch,
 * and the stdio MCP servers it runs. From flags (`--url`, `--token`, `--root` repeatable,
 * `--config <file>`) over env (MAESTRO_URL, MAESTRO_AGENT_TOKEN) over the config file;
 * zod-validated; errors name the setting, never the token.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { HttpUrlSchema, McpServerNameSchema, parseJson } from "@maestro/protocol";
import { z } from "zod";

/** A stdio MCP server the agent starts and offers to the models as `<name>__<tool>`. */
export const StdioMcpServerSchema = z.strictObject({
  name: McpServerNameSchema,
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
});
export type StdioMcpServer = z.infer<typeof StdioMcpServerSchema>;

export const AgentConfigSchema = z.strictObject({
  url: HttpUrlSchema,
  token: z
    .string({ error: "missing: pass --token or set MAESTRO_AGENT_TOKEN" })
    .regex(/^mae_agent_[A-Za-z0-9_-]{16,}$/, "must be an agent token (mae_agent_…) from POST /api/v1/agents"),
  roots: z.array(z.string().min(1)).min(1, "give at least one --root"),
  name: z.string().min(1).max(100),
  mcp: z.array(StdioMcpServerSchema).default([]),
  /** Whether sandboxed commands may use the network (`--network on|off`). */
  network: z.boolean().optional(),
});
export type AgentConfig = z.infer<typeof AgentConfigSchema>;

/** What a config file may hold: any setting, all optional (flags and env fill the rest). */
const ConfigFileSchema = AgentConfigSchema.partial().extend({
  mcp: z.array(StdioMcpServerSchema).optional(),
  network: z.boolean().optional(),
});

export type ConfigResult = { readonly ok: true; readonly config: AgentConfig } | { readonly ok: false; readonly errors: string[] };

export const USAGE = `Usage: maestro-agent --url <worker url> --token <agent token> --root <dir> [--root <dir>…] [--name <name>]
                     [--network on|off]
       maestro-agent --config <file.json>

Connects this machine to The Maestro so models can read, edit and run things inside the roots.
Flags win over MAESTRO_URL / MAESTRO_AGENT_TOKEN, which win over the config file. The config file
may also list stdio MCP servers: { "mcp": [{ "name": "fs", "command": "npx", "args": [...] }] }.
Commands run in an OS sandbox when one is available (bubblewrap on Linux, sandbox-exec on macOS):
the roots writable, the rest read-only, secrets folders hidden; --network off also cuts the network.`;

function readConfigFile(path: string): { ok: true; value: z.infer<typeof ConfigFileSchema> } | { ok: false; error: string } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { ok: false, error: `config: cannot read ${path}` };
  }
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, error: `config: ${path} is not valid JSON` };
  const file = ConfigFileSchema.safeParse(parsed.value);
  if (!file.success) return { ok: false, error: `config: ${path}: ${file.error.issues.map((issue) => issue.path.join(".")).join(", ")}` };
  return { ok: true, value: file.data };
}

/** `~/code` means the home folder's code, as in a shell (the config file is not seen by one). */
function expandHome(path: string): string {
  return path === "~" ? homedir() : path.startsWith("~/") ? join(homedir(), path.slice(2)) : path;
}

export function readConfig(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string, hostname = "local-agent"): ConfigResult {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        url: { type: "string" },
        token: { type: "string" },
        root: { type: "string", multiple: true },
        name: { type: "string" },
        config: { type: "string" },
        network: { type: "string" },
      },
      strict: true,
    }));
  } catch (error) {
    return { ok: false, errors: [error instanceof Error ? error.message : "invalid arguments"] };
  }
  if (values.network !== undefined && values.network !== "on" && values.network !== "off")
    return { ok: false, errors: ["network: must be on or off"] };
  let file: z.infer<typeof ConfigFileSchema> = {};
  let fileDir = cwd;
  if (values.config !== undefined) {
    const path = resolve(cwd, values.config);
    const read = readConfigFile(path);
    if (!read.ok) return { ok: false, errors: [read.error] };
    file = read.value;
    fileDir = dirname(path);
  }
  // Roots from flags resolve against the working directory; roots from a file, against the file.
  const roots =
    values.root !== undefined
      ? values.root.map((root) => resolve(cwd, expandHome(root)))
      : (file.roots ?? []).map((root) => resolve(fileDir, expandHome(root)));
  const parsed = AgentConfigSchema.safeParse({
    url: values.url ?? env.MAESTRO_URL ?? file.url,
    token: values.token ?? env.MAESTRO_AGENT_TOKEN ?? file.token,
    roots,
    name: values.name ?? file.name ?? hostname,
    mcp: file.mcp ?? [],
    network: values.network !== undefined ? values.network === "on" : (file.network ?? true),
  });
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((issue) => `${issue.path.join(".") || "config"}: ${issue.message}`) };
}
