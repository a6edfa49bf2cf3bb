/** edit_file: replaces one exact occurrence of a string; refuses when it is missing or not unique. */
import { readFile, stat, writeFile } from "node:fs/promises";
import { MAX_FILE_BYTES, findBinary } from "./file-limits.ts";
import { defineTool, failure } from "./tool.ts";

/**
 * Overlapping occurrences count: "aa" occurs twice in "aaa", so replacing "the" one would be a
 * guess about which the model meant.
 */
function occurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) count += 1;
  return count;
}

export const editFileTool = defineTool("edit_file", async (params, context) => {
  const resolved = await context.roots.resolve(params.path, { cwd: context.cwd, mustExist: true });
  if (!resolved.ok) return resolved.outcome;
  const info = await stat(resolved.path);
  if (!info.isFile()) return failure("NOT_A_FILE", `${params.path} is not a file.`);
  if (info.size > MAX_FILE_BYTES) return failure("FILE_TOO_LARGE", `${params.path} is ${info.size} bytes; the limit is ${MAX_FILE_BYTES}.`);
  const bytes = await readFile(resolved.path);
  // The whole file, not a prefix: it is decoded and written back whole, and bytes that are not
  // UTF-8 would come back as U+FFFD, destroying whatever they were.
  const binary = findBinary(bytes);
  if (binary !== undefined) {
    const where = `at byte offset ${binary.at} there is ${binary.reason}`;
    return failure("BINARY_FILE", `${params.path} is not all text (${where}); edit_file only edits text files.`);
  }
  const text = bytes.toString("utf8");
  const count = occurrences(text, params.old_string);
  if (count === 0) return failure("EDIT_NO_MATCH", `old_string was not found in ${params.path}; read the file and copy the text exactly.`);
  if (count > 1) {
    return failure("EDIT_AMBIGUOUS", `old_string occurs ${count} times in ${params.path}; include more surrounding text so it is unique.`);
  }
  const at = text.indexOf(params.old_string);
  // Spliced, not String.replace: `$&` and friends in new_string must stay literal.
  await writeFile(resolved.path, text.slice(0, at) + params.new_string + text.slice(at + params.old_string.length), "utf8");
  const line = text.slice(0, at).split("\n").length;
  return { ok: true, output: `Edited ${params.path} at line ${line}.`, metadata: { path: resolved.path, line } };
});
