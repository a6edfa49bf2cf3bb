/**
 * The built-in tools of the local agent: name, kind, what the model reads about each, and the
 * zod schema of their parameters. The Worker seeds its tool registry from this list and the
 * agent validates calls with the same schemas, so the two can never disagree.
 */
import { z } from "zod";
import type { ToolKind } from "./common.ts";

const PathSchema = z.string().min(1).max(4096).describe("Path relative to the working directory, or absolute inside a root");
const TimeoutSchema = z.number().int().min(1000).max(600_000).describe("Milliseconds before the process group is killed (default 30000)");

export interface BuiltinToolSpec {
  readonly kind: ToolKind;
  readonly description: string;
  readonly params: z.ZodObject;
}

export const BUILTIN_TOOLS = {
  read_file: {
    kind: "read",
    description:
      "Read a text file. Returns numbered lines; use offset and limit for large files. A range containing binary content (a NUL byte or invalid UTF-8) is refused with BINARY_FILE, which names the line and byte offset where it starts; read the text before it with a limit.",
    params: z.strictObject({
      path: PathSchema,
      offset: z.number().int().min(1).optional().describe("First line to read (1-based)"),
      limit: z.number().int().min(1).max(10_000).optional().describe("Number of lines to read"),
    }),
  },
  write_file: {
    kind: "edit",
    description: "Write a file, replacing it if it exists and creating missing parent directories.",
    params: z.strictObject({ path: PathSchema, content: z.string().max(10_000_000) }),
  },
  edit_file: {
    kind: "edit",
    description: "Replace one exact occurrence of old_string with new_string. Fails if old_string is missing or occurs more than once.",
    params: z.strictObject({ path: PathSchema, old_string: z.string().min(1), new_string: z.string() }),
  },
  list_directory: {
    kind: "read",
    description: "List the entries of a directory, marking sub-directories with a trailing slash.",
    params: z.strictObject({ path: PathSchema }),
  },
  glob: {
    kind: "read",
    description: "Find files whose path matches a glob pattern such as src/**/*.ts.",
    params: z.strictObject({ pattern: z.string().min(1).max(1000), path: PathSchema.optional() }),
  },
  grep: {
    kind: "read",
    description: "Search file contents with a regular expression; returns matching lines with file and line number.",
    params: z.strictObject({
      pattern: z.string().min(1).max(1000),
      path: PathSchema.optional(),
      include: z.string().max(1000).optional().describe("Glob of files to search, e.g. *.ts"),
    }),
  },
  run_shell_command: {
    kind: "execute",
    description: "Run a shell command. Output is streamed and capped at 1 MiB; the command is killed at the timeout.",
    params: z.strictObject({
      command: z.string().min(1).max(100_000),
      cwd: PathSchema.optional(),
      timeout_ms: TimeoutSchema.optional(),
    }),
  },
  execute_code: {
    kind: "execute",
    description: "Run a snippet of python, node or bash code from a temporary file, with the same limits as shell commands.",
    params: z.strictObject({
      language: z.enum(["python", "node", "bash"]),
      code: z.string().min(1).max(1_000_000),
      timeout_ms: TimeoutSchema.optional(),
    }),
  },
} as const satisfies Record<string, BuiltinToolSpec>;

export type BuiltinToolName = keyof typeof BUILTIN_TOOLS;

/** The JSON Schema of a built-in tool's parameters, as the model is shown it. */
export function builtinToolInputSchema(name: BuiltinToolName): Record<string, unknown> {
  return z.toJSONSchema(BUILTIN_TOOLS[name].params, { target: "draft-2020-12" });
}
