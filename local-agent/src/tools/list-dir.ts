/** list_directory: a folder's entries, sorted, sub-folders marked with a trailing slash. */
import { readdir, stat } from "node:fs/promises";
import { defineTool, failure } from "./tool.ts";

const MAX_ENTRIES = 2000;

export const listDirectoryTool = defineTool("list_directory", async (params, context) => {
  const resolved = await context.roots.resolve(params.path, { cwd: context.cwd, mustExist: true });
  if (!resolved.ok) return resolved.outcome;
  if (!(await stat(resolved.path)).isDirectory()) return failure("NOT_A_DIRECTORY", `${params.path} is not a directory.`);
  const entries = await readdir(resolved.path, { withFileTypes: true });
  const names = entries.map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name)).sort((a, b) => a.localeCompare(b));
  const shown = names.slice(0, MAX_ENTRIES);
  const more = names.length > shown.length ? `\n[${names.length - shown.length} more entries not shown]` : "";
  return {
    ok: true,
    output: shown.length === 0 ? "(empty directory)" : shown.join("\n") + more,
    metadata: { path: resolved.path, entries: names.length },
  };
});
