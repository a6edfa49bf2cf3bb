/**
 * list_directory: a folder's entries, sorted, sub-folders marked with a trailing slash and entries
 * the deny list covers marked with its rule. The folder is opened by descriptor
 * (sandbox/verified-open.ts) and read through it, so a swap mid-call cannot list another folder.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { descriptorPath, openFolder } from "../sandbox/verified-open.ts";
import { defineTool, failure } from "./tool.ts";

const MAX_ENTRIES = 2000;

export const listDirectoryTool = defineTool("list_directory", async (params, context) => {
  const resolved = await context.roots.resolve(params.path, { cwd: context.cwd, mustExist: true });
  if (!resolved.ok) return resolved.outcome;
  // For the message only: what is read is what openFolder opens and checks.
  if ((await stat(resolved.path).catch(() => undefined))?.isDirectory() === false)
    return failure("NOT_A_DIRECTORY", `${params.path} is not a directory.`);
  const opened = await openFolder(context.roots, resolved.path, params.path);
  if (!opened.ok) return opened.outcome;
  let entries;
  try {
    entries = await readdir(descriptorPath(opened.value, resolved.path), { withFileTypes: true });
  } finally {
    await opened.value.close();
  }
  const names = entries
    .map((entry) => {
      const folder = entry.isDirectory();
      const rule = context.roots.denied(join(resolved.path, entry.name), folder);
      return `${entry.name}${folder ? "/" : ""}${rule === undefined ? "" : `  [denied: ${rule}]`}`;
    })
    .sort((a, b) => a.localeCompare(b));
  const shown = names.slice(0, MAX_ENTRIES);
  const more = names.length > shown.length ? `\n[${names.length - shown.length} more entries not shown]` : "";
  return {
    ok: true,
    output: shown.length === 0 ? "(empty directory)" : shown.join("\n") + more,
    metadata: { path: resolved.path, entries: names.length },
  };
});
