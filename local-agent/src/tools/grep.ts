/** grep: lines matching a regular expression, as `path:line: text`, in files under a folder. */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { MAX_FILE_BYTES, looksBinary } from "./file-limits.ts";
import { defineTool, failure } from "./tool.ts";
import { walk } from "./walk.ts";

const MAX_MATCHES = 1000;
const MAX_FILES = 20_000;
const MAX_LINE_CHARS = 500;

function compile(pattern: string): RegExp | string {
  try {
    return new RegExp(pattern);
  } catch (error) {
    return error instanceof Error ? error.message : "invalid regular expression";
  }
}

export const grepTool = defineTool("grep", async (params, context) => {
  const regex = compile(params.pattern);
  if (typeof regex === "string") return failure("INVALID_PARAMS", `pattern is not a valid regular expression: ${regex}`);
  const resolved = await context.roots.resolve(params.path ?? ".", { cwd: context.cwd, mustExist: true });
  if (!resolved.ok) return resolved.outcome;
  const folder = resolved.path;
  const info = await stat(folder);
  const walked = info.isDirectory()
    ? await walk(context.roots, folder, params.include ?? "**/*", MAX_FILES)
    : ({ ok: true, files: [""], capped: false } as const);
  if (!walked.ok) return walked.outcome;
  const matches: string[] = [];
  for (const file of walked.files) {
    if (context.signal.aborted) return failure("CANCELLED", "The search was cancelled.", false);
    const path = file === "" ? folder : join(folder, file);
    const size = (await stat(path)).size;
    if (size > MAX_FILE_BYTES || (await looksBinary(path))) continue;
    const lines = (await readFile(path, "utf8")).split(/\r?\n/);
    for (const [index, line] of lines.entries()) {
      if (!regex.test(line)) continue;
      const shown = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
      matches.push(`${file === "" ? params.path : file}:${index + 1}: ${shown}`);
      if (matches.length === MAX_MATCHES) break;
    }
    if (matches.length === MAX_MATCHES) break;
  }
  const capped = matches.length === MAX_MATCHES;
  return {
    ok: true,
    output: matches.length === 0 ? "No matches." : matches.join("\n") + (capped ? `\n[stopped at ${MAX_MATCHES} matches]` : ""),
    metadata: { matches: matches.length, files_searched: walked.files.length, capped },
  };
});
