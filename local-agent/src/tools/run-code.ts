/**
 * execute_code: a python, node or bash snippet written to a fresh temporary folder and run from
 * there with the shared limits, in the session's folder. The temporary folder is always removed.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineTool } from "./tool.ts";
import { commandFolder, runCommand } from "./run-command.ts";

const RUNNERS = {
  python: { file: "snippet.py", command: "python3" },
  node: { file: "snippet.mjs", command: process.execPath },
  bash: { file: "snippet.sh", command: "bash" },
} as const;

export const executeCodeTool = defineTool("execute_code", async (params, context) => {
  const folder = await commandFolder(context, undefined);
  if (!folder.ok) return folder.outcome;
  const runner = RUNNERS[params.language];
  const scratch = await mkdtemp(join(tmpdir(), "maestro-code-"));
  try {
    const file = join(scratch, runner.file);
    await writeFile(file, params.code, { mode: 0o600 });
    return await runCommand(runner.command, [file], {
      cwd: folder.path,
      timeoutMs: params.timeout_ms,
      context,
      // The sandbox gives commands a private /tmp: the snippet's folder is let through, read-only.
      readable: [scratch],
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});
