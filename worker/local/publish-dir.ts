/**
 * Copies a finished web build into the folder the Worker serves so that a reader never sees it
 * half-written: each file lands whole (written beside the folder, then renamed into it), new and
 * changed assets come before the index.html that names them, and files of the previous build go
 * only after it. `/` is never missing, and an index.html never points at an asset not there yet.
 * Files whose bytes did not change are left alone, so an unchanged rebuild does not reload wrangler.
 */
import { copyFile, mkdir, readFile, readdir, rename, rm } from "node:fs/promises";
import { dirname, join, relative } from "node:path";

const ENTRY = "index.html";

/** What web-build.ts prints after each publish (dev.ts waits for the first). */
export const PUBLISHED_LINE = "web build published";

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  const [left, right] = await Promise.all([readFile(a), readFile(b).catch(() => undefined)]);
  return right !== undefined && left.equals(right);
}

export async function publishDir(from: string, to: string): Promise<void> {
  const files = await listFiles(from);
  // Beside `to`, on the same filesystem (so the rename is atomic), outside what wrangler watches.
  const scratch = `${to}.publishing`;
  await mkdir(to, { recursive: true });
  const ordered = [...files.filter((file) => file !== ENTRY), ...files.filter((file) => file === ENTRY)];
  for (const file of ordered) {
    const target = join(to, file);
    if (await sameBytes(join(from, file), target)) continue;
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(from, file), scratch);
    await rename(scratch, target);
  }
  const current = new Set(files);
  for (const file of await listFiles(to)) {
    if (!current.has(file)) await rm(join(to, file), { force: true });
  }
}
