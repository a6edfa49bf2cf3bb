/** read_file: a text file as numbered lines, a range of them for large files. */
import { readFile, stat } from "node:fs/promises";
import { MAX_FILE_BYTES, looksBinary } from "./file-limits.ts";
import { defineTool, failure } from "./tool.ts";

const DEFAULT_LIMIT = 2000;

export const readFileTool = defineTool("read_file", async (params, context) => {
  const resolved = await context.roots.resolve(params.path, { cwd: context.cwd, mustExist: true });
  if (!resolved.ok) return resolved.outcome;
  const info = await stat(resolved.path);
  if (!info.isFile()) return failure("NOT_A_FILE", `${params.path} is not a file; use list_directory for folders.`);
  if (info.size > MAX_FILE_BYTES) return failure("FILE_TOO_LARGE", `${params.path} is ${info.size} bytes; the limit is ${MAX_FILE_BYTES}.`);
  if (await looksBinary(resolved.path)) return failure("BINARY_FILE", `${params.path} is a binary file.`);
  const lines = (await readFile(resolved.path, "utf8")).split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  const first = params.offset ?? 1;
  const shown = lines.slice(first - 1, first - 1 + (params.limit ?? DEFAULT_LIMIT));
  const output = shown.map((line, index) => `${String(first + index).padStart(6)}\t${line}`).join("\n");
  const more =
    first - 1 + shown.length < lines.length ? `\n[${lines.length} lines in all; read on with offset ${first + shown.length}]` : "";
  return {
    ok: true,
    output: output + more,
    metadata: { path: resolved.path, total_lines: lines.length, lines_shown: shown.length },
  };
});
