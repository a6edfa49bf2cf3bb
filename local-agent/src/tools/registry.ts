/**
 * The agent's built-in tools by name, and the one way to run one: parameters validated against
 * the protocol's schema first, expected failures returned, file-system permission errors made
 * readable, and anything unexpected reported as INTERNAL without a stack.
 */
import { type BuiltinToolName, type ToolOutcome, describeFieldIssues, toFieldIssues } from "@maestro/protocol";
import { editFileTool } from "./edit-file.ts";
import { globTool } from "./glob.ts";
import { grepTool } from "./grep.ts";
import { listDirectoryTool } from "./list-dir.ts";
import { readFileTool } from "./read-file.ts";
import { executeCodeTool } from "./run-code.ts";
import { runShellCommandTool } from "./shell.ts";
import { type Tool, type ToolContext, failure } from "./tool.ts";
import { writeFileTool } from "./write-file.ts";

export const tools = {
  read_file: readFileTool,
  write_file: writeFileTool,
  edit_file: editFileTool,
  list_directory: listDirectoryTool,
  glob: globTool,
  grep: grepTool,
  run_shell_command: runShellCommandTool,
  execute_code: executeCodeTool,
} satisfies { [N in BuiltinToolName]: Tool<N> };

function isToolName(name: string): name is BuiltinToolName {
  return Object.hasOwn(tools, name);
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error ? String(error.code) : undefined;
}

export async function runTool(name: string, rawParams: unknown, context: ToolContext): Promise<ToolOutcome> {
  if (!isToolName(name)) return failure("TOOL_NOT_FOUND", `This agent has no tool named "${name}".`);
  const tool: Tool = tools[name];
  const params = tool.params.safeParse(rawParams);
  if (!params.success) return failure("INVALID_PARAMS", `Invalid arguments: ${describeFieldIssues(toFieldIssues(params.error.issues))}`);
  try {
    return await tool.run(params.data, context);
  } catch (error) {
    const code = errorCode(error);
    if (code === "EACCES" || code === "EPERM") return failure("PERMISSION_DENIED", "The operating system refused access to that path.");
    if (code === "ENOENT") return failure("FILE_NOT_FOUND", "That path does not exist (it may have just been removed).");
    return failure("INTERNAL", `The tool failed: ${error instanceof Error ? error.message : String(error)}`, false);
  }
}
