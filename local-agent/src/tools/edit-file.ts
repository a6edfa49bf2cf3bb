/** edit_file: replaces one exact occurrence of a string; refuses when it is missing or not unique. */
import type { FileHandle } from "node:fs/promises";
import type { ToolOutcome } from "@maestro/protocol";
import { openFile, overwrite } from "../sandbox/verified-open.ts";
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
  // Read and written through one descriptor, opened without following links and checked.
  const opened = await openFile(context.roots, resolved.path, params.path, { write: true, create: false });
  if (!opened.ok) return opened.outcome;
  try {
    return await edit(opened.value.handle, opened.value.info.size, resolved.path, params);
  } finally {
    await opened.value.handle.close();
  }
});

async function edit(
  handle: FileHandle,
  size: number,
  realPath: string,
  params: { readonly path: string; readonly old_string: string; readonly new_string: string },
): Promise<ToolOutcome> {
  if (size > MAX_FILE_BYTES) return failure("FILE_TOO_LARGE", `${params.path} is ${size} bytes; the limit is ${MAX_FILE_BYTES}.`);
  const bytes = await handle.readFile();
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
  await overwrite(handle, text.slice(0, at) + params.new_string + text.slice(at + params.old_string.length));
  const line = text.slice(0, at).split("\n").length;
  return { ok: true, output: `Edited ${params.path} at line ${line}.`, metadata: { path: realPath, line } };
}
