/**
 * read_file: a text file as numbered lines, a range of them for large files. What one call
 * returns is capped (MAX_READ_OUTPUT_BYTES, cut at a line) so a big file cannot become one
 * result too large for the tunnel, the session's event log or the model; the note says how to
 * read on. Every byte it would return is checked to be text (file-limits.ts), not a prefix.
 */
import type { ToolOutcome } from "@maestro/protocol";
import { openFile } from "../sandbox/verified-open.ts";
import { type BinarySpot, MAX_FILE_BYTES, characterBoundary, findBinary } from "./file-limits.ts";
import { defineTool, failure } from "./tool.ts";

const DEFAULT_LIMIT = 2000;
export const MAX_READ_OUTPUT_BYTES = 256 * 1024;

/** A line's bytes in the file, without its "\n" or "\r\n". */
interface LineRange {
  readonly start: number;
  readonly end: number;
}

/**
 * How many lines the file has, and the byte ranges of lines first..first+count-1. Lines end as
 * split(/\r?\n/) ends them; a final newline ends the last line rather than starting an empty one.
 * Split as bytes, not text, so that the binary check sees exactly the bytes each line holds.
 */
function splitLines(bytes: Buffer, first: number, count: number): { total: number; window: LineRange[] } {
  const window: LineRange[] = [];
  let total = 0;
  for (let start = 0; start < bytes.length;) {
    const newline = bytes.indexOf(0x0a, start);
    total += 1;
    if (total >= first && total < first + count) {
      const end = newline === -1 ? bytes.length : newline > start && bytes[newline - 1] === 0x0d ? newline - 1 : newline;
      window.push({ start, end });
    }
    start = newline === -1 ? bytes.length : newline + 1;
  }
  return { total, window };
}

type Numbered =
  | { readonly text: string; readonly shown: number; readonly cutLine: boolean }
  | { readonly binary: BinarySpot & { readonly line: number } };

/**
 * The numbered lines of the window that fit the cap (at least one, cut if it alone is over), or
 * where binary content starts among the bytes that would be shown. Lines past the cap are not
 * checked: they are not returned.
 */
function numbered(bytes: Buffer, window: readonly LineRange[], first: number): Numbered {
  const kept: string[] = [];
  let size = 0;
  for (const [index, range] of window.entries()) {
    const number = first + index;
    const prefix = `${String(number).padStart(6)}\t`;
    const entrySize = prefix.length + (range.end - range.start) + 1;
    const fits = size + entrySize <= MAX_READ_OUTPUT_BYTES;
    if (!fits && kept.length > 0) break;
    const whole = bytes.subarray(range.start, range.end);
    // One line over the cap (minified code, a data dump): show its start rather than nothing,
    // cut where a character starts.
    const line = fits ? whole : whole.subarray(0, characterBoundary(whole, MAX_READ_OUTPUT_BYTES - prefix.length));
    const binary = findBinary(line);
    if (binary !== undefined) return { binary: { ...binary, at: range.start + binary.at, line: number } };
    if (!fits) return { text: `${prefix}${line.toString("utf8")}…`, shown: 1, cutLine: true };
    kept.push(prefix + line.toString("utf8"));
    size += entrySize;
  }
  return { text: kept.join("\n"), shown: kept.length, cutLine: false };
}

/**
 * A window with binary content is refused, naming where it starts so the model can read the text
 * before it with a limit. Refused rather than shown up to that point so that `ok` always means
 * "the lines asked for, as far as the cap allows", never "fewer, for a reason only a note gives".
 */
function binaryRefusal(path: string, first: number, spot: BinarySpot & { readonly line: number }): ToolOutcome {
  const what = spot.reason === "invalid UTF-8" ? "invalid UTF-8 (binary data, or text in another encoding)" : spot.reason;
  const where = `at byte offset ${spot.at} (line ${spot.line}) there is ${what}`;
  if (spot.line === 1) return failure("BINARY_FILE", `${path} is a binary file: ${where}.`);
  if (spot.line === first) return failure("BINARY_FILE", `${path} has binary content from the first line asked for: ${where}.`);
  return failure(
    "BINARY_FILE",
    `${path} has binary content: ${where}. Lines ${first}-${spot.line - 1} before it are text; ` +
      `read them with offset ${first} and limit ${spot.line - first}.`,
  );
}

export const readFileTool = defineTool("read_file", async (params, context) => {
  const resolved = await context.roots.resolve(params.path, { cwd: context.cwd, mustExist: true });
  if (!resolved.ok) return resolved.outcome;
  const opened = await openFile(context.roots, resolved.path, params.path, { write: false, create: false });
  if (!opened.ok) {
    return opened.outcome.ok === false && opened.outcome.code === "NOT_A_FILE"
      ? failure("NOT_A_FILE", `${params.path} is not a file; use list_directory for folders.`)
      : opened.outcome;
  }
  const { handle, info } = opened.value;
  let bytes: Buffer;
  try {
    if (info.size > MAX_FILE_BYTES)
      return failure("FILE_TOO_LARGE", `${params.path} is ${info.size} bytes; the limit is ${MAX_FILE_BYTES}.`);
    bytes = await handle.readFile();
  } finally {
    await handle.close();
  }
  const first = params.offset ?? 1;
  const limit = params.limit ?? DEFAULT_LIMIT;
  const { total, window } = splitLines(bytes, first, limit);
  const result = numbered(bytes, window, first);
  if ("binary" in result) return binaryRefusal(params.path, first, result.binary);
  const { text, shown, cutLine } = result;
  const last = first + shown - 1;
  const capped = shown < Math.min(limit, total - first + 1);
  let more = "";
  if (cutLine) {
    const onward = first < total ? `read on with offset ${first + 1}, or ` : "";
    more =
      `\n[line ${first} alone is over ${MAX_READ_OUTPUT_BYTES / 1024} KiB and was cut; ` +
      `${onward}see the rest of that line with run_shell_command (e.g. cut -c or head -c)]`;
  } else if (capped) {
    more =
      `\n[stopped at ${MAX_READ_OUTPUT_BYTES / 1024} KiB of output: lines ${first}-${last} of ${total} shown; ` +
      `read on with offset ${last + 1} and a smaller limit]`;
  } else if (last < total) {
    more = `\n[${total} lines in all; read on with offset ${last + 1}]`;
  }
  return {
    ok: true,
    output: text + more,
    metadata: { path: resolved.path, total_lines: total, lines_shown: shown, capped: capped || cutLine },
  };
});
