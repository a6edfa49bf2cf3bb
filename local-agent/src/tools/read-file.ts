/**
 * read_file: a text file as numbered lines, a range of them for large files. What one call
 * returns is capped (MAX_READ_OUTPUT_BYTES, cut at a line) so a big file cannot become one
 * result too large for the tunnel, the session's event log or the model; the note says how to
 * read on.
 */
import { readFile, stat } from "node:fs/promises";
import { MAX_FILE_BYTES, looksBinary } from "./file-limits.ts";
import { defineTool, failure } from "./tool.ts";

const DEFAULT_LIMIT = 2000;
export const MAX_READ_OUTPUT_BYTES = 256 * 1024;

/** The numbered lines from `first` that fit the cap (at least one, cut if it alone is over). */
function numbered(lines: readonly string[], first: number, limit: number): { text: string; shown: number; cutLine: boolean } {
  const kept: string[] = [];
  let bytes = 0;
  for (const [index, line] of lines.slice(first - 1, first - 1 + limit).entries()) {
    const entry = `${String(first + index).padStart(6)}\t${line}`;
    const size = Buffer.byteLength(entry) + 1;
    if (bytes + size > MAX_READ_OUTPUT_BYTES) {
      if (kept.length > 0) break;
      // One line over the cap (minified code, a data dump): show its start rather than nothing.
      const cut = Buffer.from(entry)
        .subarray(0, MAX_READ_OUTPUT_BYTES)
        .toString("utf8")
        .replace(/\uFFFD$/, "");
      return { text: `${cut}…`, shown: 1, cutLine: true };
    }
    kept.push(entry);
    bytes += size;
  }
  return { text: kept.join("\n"), shown: kept.length, cutLine: false };
}

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
  const limit = params.limit ?? DEFAULT_LIMIT;
  const { text, shown, cutLine } = numbered(lines, first, limit);
  const last = first + shown - 1;
  const capped = shown < Math.min(limit, lines.length - first + 1);
  let more = "";
  if (cutLine) {
    const onward = first < lines.length ? `read on with offset ${first + 1}, or ` : "";
    more =
      `\n[line ${first} alone is over ${MAX_READ_OUTPUT_BYTES / 1024} KiB and was cut; ` +
      `${onward}see the rest of that line with run_shell_command (e.g. cut -c or head -c)]`;
  } else if (capped) {
    more =
      `\n[stopped at ${MAX_READ_OUTPUT_BYTES / 1024} KiB of output: lines ${first}-${last} of ${lines.length} shown; ` +
      `read on with offset ${last + 1} and a smaller limit]`;
  } else if (last < lines.length) {
    more = `\n[${lines.length} lines in all; read on with offset ${last + 1}]`;
  }
  return {
    ok: true,
    output: text + more,
    metadata: { path: resolved.path, total_lines: lines.length, lines_shown: shown, capped: capped || cutLine },
  };
});
