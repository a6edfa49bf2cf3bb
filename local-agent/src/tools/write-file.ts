/** write_file: writes a whole file, creating missing parent folders (only inside the roots). */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { defineTool, failure } from "./tool.ts";

export const writeFileTool = defineTool("write_file", async (params, context) => {
  const resolved = await context.roots.resolve(params.path, { cwd: context.cwd, mustExist: false });
  if (!resolved.ok) return resolved.outcome;
  const existing = await stat(resolved.path).catch(() => undefined);
  if (existing !== undefined && !existing.isFile()) return failure("NOT_A_FILE", `${params.path} exists and is not a file.`);
  await mkdir(dirname(resolved.path), { recursive: true });
  await writeFile(resolved.path, params.content, "utf8");
  const bytes = Buffer.byteLength(params.content);
  return {
    ok: true,
    output: `${existing === undefined ? "Created" : "Wrote"} ${params.path} (${bytes} bytes).`,
    metadata: { path: resolved.path, bytes, created: existing === undefined },
  };
});
