/**
 * THE path gate: every path a tool touches goes through `Roots.resolve`. It answers with the real
 * path (symlinks resolved) only when that real path is a root or lies inside one; anything else
 * is PATH_OUTSIDE_ROOTS, decided from metadata alone before anything is read or written. Paths
 * that do not exist yet (a file to write) are judged by their nearest existing ancestor.
 */
import { lstat, readlink, realpath, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve, sep } from "node:path";
import type { ToolOutcome } from "@maestro/protocol";

export type Resolved = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly outcome: ToolOutcome };

/** Symlink hops followed for a path that does not exist yet (a dangling link's target). */
const MAX_LINK_HOPS = 40;

function isCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && "code" in error && codes.includes(String(error.code));
}

export class Roots {
  /** The real paths of the roots. */
  readonly paths: readonly string[];

  private constructor(paths: readonly string[]) {
    this.paths = paths;
  }

  /** Resolves each root to its real path; a root that is a symlink counts as its target. */
  static async create(paths: readonly string[]): Promise<Roots> {
    const real = await Promise.all(
      paths.map(async (path) => {
        const target = await realpath(path).catch(() => {
          throw new Error(`root ${path} does not exist`);
        });
        if (!(await stat(target)).isDirectory()) throw new Error(`root ${path} is not a directory`);
        return target;
      }),
    );
    return new Roots([...new Set(real)]);
  }

  contains(realPath: string): boolean {
    return this.paths.some((root) => realPath === root || realPath.startsWith(root.endsWith(sep) ? root : root + sep));
  }

  /**
   * The real path of `path` (relative to `cwd`, or to the first root when cwd is null), if it is
   * inside a root. `mustExist` false allows a path that does not exist yet.
   */
  async resolve(path: string, options: { readonly cwd: string | null; readonly mustExist: boolean }): Promise<Resolved> {
    if (path.includes("\0") || (options.cwd?.includes("\0") ?? false)) {
      return { ok: false, outcome: { ok: false, code: "INVALID_PARAMS", message: "Paths cannot contain NUL bytes.", recoverable: true } };
    }
    const base = await this.#base(options.cwd);
    if (!base.ok) return base;
    const wanted = resolve(base.path, path);
    const real = await this.#realOrPlanned(wanted);
    if (real === undefined || !this.contains(real.path)) return this.#outside(path);
    if (options.mustExist && !real.exists) {
      return { ok: false, outcome: { ok: false, code: "FILE_NOT_FOUND", message: `${path} does not exist.`, recoverable: true } };
    }
    return { ok: true, path: real.path };
  }

  async #base(cwd: string | null): Promise<Resolved> {
    const first = this.paths[0];
    if (first === undefined) throw new Error("no roots");
    if (cwd === null) return { ok: true, path: first };
    const real = await realpath(resolve(first, cwd)).catch(() => undefined);
    if (real === undefined || !this.contains(real)) {
      return this.#outside(cwd, "The session's working directory");
    }
    return { ok: true, path: real };
  }

  /** The real path of an existing path; for a missing one, its real parent plus the rest. */
  async #realOrPlanned(path: string, hops = 0): Promise<{ path: string; exists: boolean } | undefined> {
    try {
      return { path: await realpath(path), exists: true };
    } catch (error) {
      if (!isCode(error, "ENOENT", "ENOTDIR")) return undefined;
    }
    if (hops > MAX_LINK_HOPS) return undefined;
    // A dangling symlink: what would be written is its target, so judge the target.
    const link = await lstat(path).catch(() => undefined);
    if (link?.isSymbolicLink() === true) {
      const target = await readlink(path);
      return this.#realOrPlanned(isAbsolute(target) ? target : join(dirname(path), target), hops + 1);
    }
    const parent = dirname(path);
    if (parent === path) return undefined;
    const realParent = await this.#realOrPlanned(parent, hops);
    if (realParent === undefined) return undefined;
    return { path: join(realParent.path, basename(path)), exists: false };
  }

  #outside(path: string, what = "That path"): Resolved {
    return {
      ok: false,
      outcome: {
        ok: false,
        code: "PATH_OUTSIDE_ROOTS",
        message: `${what} (${path}) is outside the folders this agent may touch: ${this.paths.join(", ")}.`,
        recoverable: true,
      },
    };
  }
}
