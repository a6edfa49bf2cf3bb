/**
 * write_file: writes a whole file, creating missing parent folders (only inside the roots). The
 * folders and the file are made and opened by descriptor (sandbox/verified-open.ts), so a folder
 * swapped for a symlink mid-call cannot send the write elsewhere.
 */
import { openFile, overwrite } from "../sandbox/verified-open.ts";
import { defineTool } from "./tool.ts";

export const writeFileTool = defineTool("write_file", async (params, context) => {
  const resolved = await context.roots.resolve(params.path, { cwd: context.cwd, mustExist: false });
  if (!resolved.ok) return resolved.outcome;
  const opened = await openFile(context.roots, resolved.path, params.path, { write: true, create: true });
  if (!opened.ok) {
    const outcome = opened.outcome;
    return outcome.ok === false && outcome.code === "NOT_A_FILE"
      ? { ...outcome, message: `${params.path} exists and is not a file.` }
      : outcome;
  }
  const { handle, created } = opened.value;
  try {
    await overwrite(handle, params.content);
  } finally {
    await handle.close();
  }
  const bytes = Buffer.byteLength(params.content);
  return {
    ok: true,
    output: `${created ? "Created" : "Wrote"} ${params.path} (${bytes} bytes).`,
    metadata: { path: resolved.path, bytes, created },
  };
});
