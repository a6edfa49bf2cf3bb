/**
 * The local agent's configuration: where the Worker is, the agent token, the roots it may touch,
 * the stdio MCP servers it runs, and the deny list of the file tools. From flags (`--url`,
 * `--root` and `--deny` repeatable, `--config <file>`) over env (MAESTRO_URL) over the config
 * file; zod-validated; errors name the setting, never the token. The token never comes from the
 * command line (`ps` shows it to every user): it comes from `--token-file`, MAESTRO_AGENT_TOKEN,
 * the config file, or ~/.config/maestro/agent-token, and a file holding it must be private to its
 * owner (mode 0600).
 */
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { HttpUrlSchema, McpServerNameSchema, parseJson } from "@maestro/protocol";
import { z } from "zod";
import { DEFAULT_DENY } from "./sandbox/deny.ts";

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
    .string({ error: "missing: set MAESTRO_AGENT_TOKEN or put it in a 0600 file (--token-file, default ~/.config/maestro/agent-token)" })
    .regex(/^mae_agent_[A-Za-z0-9_-]{16,}$/, "must be an agent token (mae_agent_…) from POST /api/v1/agents"),
  roots: z.array(z.string().min(1)).min(1, "give at least one --root"),
  name: z.string().min(1).max(100),
  mcp: z.array(StdioMcpServerSchema).default([]),
  /** Name patterns no file tool may touch (sandbox/deny.ts). The file's list replaces the default; --deny adds. */
  deny: z
    .array(
      z
        .string()
        .min(1)
        .regex(/^[^/]+\/?$/, "a deny rule is one name pattern, optionally ending in /"),
    )
    .default([...DEFAULT_DENY]),
  /** Whether sandboxed commands may use the network (`--network on|off`). */
  network: z.boolean().optional(),
});
export type AgentConfig = z.infer<typeof AgentConfigSchema>;

/** What a config file may hold: any setting, all optional (flags and env fill the rest). */
const ConfigFileSchema = AgentConfigSchema.partial().extend({
  mcp: z.array(StdioMcpServerSchema).optional(),
  deny: z.array(z.string()).optional(),
  network: z.boolean().optional(),
});

export type ConfigResult = { readonly ok: true; readonly config: AgentConfig } | { readonly ok: false; readonly errors: string[] };

export const USAGE = `Usage: maestro-agent --url <worker url> --root <dir> [--root <dir>…] [--name <name>] [--token-file <file>] [--deny <rule>…]
                     [--network on|off]
       maestro-agent --config <file.json>

Connects this machine to The Maestro so models can read, edit and run things inside the roots.
The agent token (mae_agent_…) is read from --token-file <file>, else MAESTRO_AGENT_TOKEN, else the
config file, else ~/.config/maestro/agent-token. A file holding it must be readable by you alone
(chmod 600). It is never taken from the command line, where other users can see it.
Flags win over MAESTRO_URL, which wins over the config file. The config file may also list stdio
MCP servers: { "mcp": [{ "name": "fs", "command": "npx", "args": [...] }] }.
File tools refuse names on the deny list (${DEFAULT_DENY.join(" ")}); a "deny" list in the
config file replaces it, and each --deny <rule> (a name pattern, "dir/" for folders) adds one.
Commands run in an OS sandbox when one is available (bubblewrap on Linux, sandbox-exec on macOS):
the roots writable, the rest read-only, secrets folders hidden; --network off also cuts the network.`;

/** Where the token is looked for when nothing else names it: ~/.config/maestro/agent-token. */
export function defaultTokenFile(env: NodeJS.ProcessEnv): string {
  const configHome =
    env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== "" ? env.XDG_CONFIG_HOME : join(env.HOME ?? homedir(), ".config");
  return join(configHome, "maestro", "agent-token");
}

/** Refuses a file that others may read: the token in it would not be a secret. */
function privateFileProblem(path: string, what: string): string | undefined {
  if (process.platform === "win32") return undefined; // No POSIX modes; the ACLs are the user's.
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  return `${what} ${path} is readable by others (mode ${mode.toString(8).padStart(4, "0")}); run: chmod 600 ${path}`;
}

type TokenRead = { readonly ok: true; readonly token: string | undefined } | { readonly ok: false; readonly error: string };

/** The token in a file (trimmed), refusing one others may read. `optional`: a missing file is no error. */
function readTokenFile(path: string, optional: boolean): TokenRead {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return optional ? { ok: true, token: undefined } : { ok: false, error: `token: cannot read the token file ${path}` };
  }
  const problem = privateFileProblem(path, "token: the token file");
  if (problem !== undefined) return { ok: false, error: problem };
  return { ok: true, token: text.trim() };
}

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
        "token-file": { type: "string" },
        root: { type: "string", multiple: true },
        name: { type: "string" },
        config: { type: "string" },
        deny: { type: "string", multiple: true },
        network: { type: "string" },
      },
      strict: true,
    }));
  } catch (error) {
    return { ok: false, errors: [error instanceof Error ? error.message : "invalid arguments"] };
  }
  if (values.token !== undefined) {
    return {
      ok: false,
      errors: [
        "token: --token is refused, because every user of this machine can read a command line (ps). " +
          "Set MAESTRO_AGENT_TOKEN, or save the token to a file only you can read (chmod 600) and pass --token-file <file> " +
          "(default ~/.config/maestro/agent-token)",
      ],
    };
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
    if (file.token !== undefined) {
      const problem = privateFileProblem(path, "token: the config file");
      if (problem !== undefined) return { ok: false, errors: [`${problem} (it holds the agent token)`] };
    }
  }
  let token: string | undefined;
  if (values["token-file"] !== undefined) {
    const read = readTokenFile(resolve(cwd, expandHome(values["token-file"])), false);
    if (!read.ok) return { ok: false, errors: [read.error] };
    token = read.token;
  } else if (env.MAESTRO_AGENT_TOKEN !== undefined && env.MAESTRO_AGENT_TOKEN !== "") {
    token = env.MAESTRO_AGENT_TOKEN;
  } else if (file.token !== undefined) {
    token = file.token;
  } else {
    const read = readTokenFile(defaultTokenFile(env), true);
    if (!read.ok) return { ok: false, errors: [read.error] };
    token = read.token;
  }
  // Roots from flags resolve against the working directory; roots from a file, against the file.
  const roots =
    values.root !== undefined
      ? values.root.map((root) => resolve(cwd, expandHome(root)))
      : (file.roots ?? []).map((root) => resolve(fileDir, expandHome(root)));
  const parsed = AgentConfigSchema.safeParse({
    url: values.url ?? env.MAESTRO_URL ?? file.url,
    token,
    roots,
    name: values.name ?? file.name ?? hostname,
    mcp: file.mcp ?? [],
    deny: [...(file.deny ?? DEFAULT_DENY), ...(values.deny ?? [])],
    network: values.network !== undefined ? values.network === "on" : (file.network ?? true),
  });
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((issue) => `${issue.path.join(".") || "config"}: ${issue.message}`) };
}
