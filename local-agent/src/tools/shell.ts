/** run_shell_command: a bash command in a folder inside the roots, with the shared limits. */
import { defineTool } from "./tool.ts";
import { commandFolder, runCommand } from "./run-command.ts";

export const runShellCommandTool = defineTool("run_shell_command", async (params, context) => {
  const folder = await commandFolder(context, params.cwd);
  if (!folder.ok) return folder.outcome;
  return runCommand("bash", ["-c", params.command], { cwd: folder.path, timeoutMs: params.timeout_ms, context });
});
