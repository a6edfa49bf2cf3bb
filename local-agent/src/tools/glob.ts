/** glob: files whose path (relative to a folder) matches a pattern such as src/**\/*.ts. */
import { stat } from "node:fs/promises";
import { defineTool, failure } from "./tool.ts";
import { walk } from "./walk.ts";

const MAX_RESULTS = 1000;

export const globTool = defineTool("glob", async (params, context) => {
  const resolved = await context.roots.resolve(params.path ?? ".", { cwd: context.cwd, mustExist: true });
  if (!resolved.ok) return resolved.outcome;
  if (!(await stat(resolved.path)).isDirectory()) return failure("NOT_A_DIRECTORY", `${params.path ?? "."} is not a directory.`);
  const walked = await walk(context.roots, resolved.path, params.pattern, MAX_RESULTS);
  if (!walked.ok) return walked.outcome;
  const note = walked.capped ? `\n[stopped at ${MAX_RESULTS} files; narrow the pattern]` : "";
  return {
    ok: true,
    output: walked.files.length === 0 ? "No files match." : walked.files.join("\n") + note,
    metadata: { folder: resolved.path, files: walked.files.length, capped: walked.capped },
  };
});
