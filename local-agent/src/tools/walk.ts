/**
 * Files under a gated folder matching a glob, for glob and grep: tinyglobby, symlinks not
 * followed, patterns that climb out (`..`, absolute) refused, and every result checked against
 * the roots and the deny list again by its real path, so a symlinked file cannot smuggle an outside
 * path in. A name is only reported once its real path was seen inside a root after the listing: a
 * folder swapped for a symlink mid-walk can make tinyglobby list an outside folder, but a name
 * listed there is dropped unless it also exists inside (and then reporting it tells nothing about
 * the outside). Denied files are left out silently. Readers of the files (grep) check again.
 */
import { realpath } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import type { ToolOutcome } from "@maestro/protocol";
import { glob } from "tinyglobby";
import type { Roots } from "../sandbox/roots.ts";

const IGNORED = ["**/node_modules/**", "**/.git/**"];

export type Walked =
  { readonly ok: true; readonly files: string[]; readonly capped: boolean } | { readonly ok: false; readonly outcome: ToolOutcome };

export async function walk(roots: Roots, folder: string, pattern: string, limit: number): Promise<Walked> {
  if (isAbsolute(pattern) || pattern.split(/[\\/]/).includes("..")) {
    return {
      ok: false,
      outcome: {
        ok: false,
        code: "PATH_OUTSIDE_ROOTS",
        message: "Glob patterns must stay inside the folder: no absolute paths and no '..'. Pass the folder as path instead.",
        recoverable: true,
      },
    };
  }
  const matches = await glob(pattern, { cwd: folder, onlyFiles: true, followSymbolicLinks: false, dot: false, ignore: IGNORED });
  matches.sort((a, b) => a.localeCompare(b));
  const files: string[] = [];
  for (const match of matches) {
    const real = await realpath(join(folder, match)).catch(() => undefined);
    if (real === undefined || roots.check(real, false, match) !== undefined) continue;
    if (files.length === limit) return { ok: true, files, capped: true };
    files.push(match);
  }
  return { ok: true, files, capped: false };
}
