/**
 * THE path gate: every path a tool touches goes through `Roots.resolve`. It answers with the real
 * path (symlinks resolved) only when that real path is a root or lies inside one and no rule of the
 * deny list (deny.ts) matches it; anything else is PATH_OUTSIDE_ROOTS or PATH_DENIED, decided
 * before anything is read or written. Paths that do not exist yet (a file to write) are judged by
 * their nearest existing ancestor.
 *
 * A check by path and a later open by path could see different files (a folder swapped for a
 * symlink in between), so the tools then open what was checked with `openFolder` / `openFile`
 * (verified-open.ts): one name at a time from the root, never following a link, and the opened
 * descriptor's real location checked again.
 */
import { lstat, readlink, realpath, stat } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { ToolOutcome } from "@maestro/protocol";
import { DEFAULT_DENY, DenyList } from "./deny.ts";

export type Resolved = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly outcome: ToolOutcome };

/** Symlink hops followed for a path that does not exist yet (a dangling link's target). */
const MAX_LINK_HOPS = 40;

export function isCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && "code" in error && codes.includes(String(error.code));
}

/** The root holding `realPath` (the deepest, when roots nest), or undefined. Pure, for threads too. */
export function rootOf(paths: readonly string[], realPath: string): string | undefined {
  let found: string | undefined;
  for (const root of paths) {
    const inside = realPath === root || realPath.startsWith(root.endsWith(sep) ? root : root + sep);
    if (inside && (found === undefined || root.length > found.length)) found = root;
  }
  return found;
}

/** The deny rule matching a real path inside `root`, with names joined by "/". */
export function deniedBy(deny: DenyList, root: string, realPath: string, isFolder: boolean): string | undefined {
  return deny.match(relative(root, realPath).split(sep).join("/"), isFolder);
}

export class Roots {
  /** The real paths of the roots. */
  readonly paths: readonly string[];
  readonly deny: DenyList;

  private constructor(paths: readonly string[], deny: DenyList) {
    this.paths = paths;
    this.deny = deny;
  }

  /**
   * Resolves each root to its real path; a root that is a symlink counts as its target. `deny`
   * is the deny list (DEFAULT_DENY unless the config says otherwise).
   */
  static async create(paths: readonly string[], deny: readonly string[] = DEFAULT_DENY): Promise<Roots> {
    const real = await Promise.all(
      paths.map(async (path) => {
        const target = await realpath(path).catch(() => {
          throw new Error(`root ${path} does not exist`);
        });
        if (!(await stat(target)).isDirectory()) throw new Error(`root ${path} is not a directory`);
        return target;
      }),
    );
    return new Roots([...new Set(real)], new DenyList(deny));
  }

  contains(realPath: string): boolean {
    return rootOf(this.paths, realPath) !== undefined;
  }

  /** The deny rule that matches a real path inside the roots, or undefined. */
  denied(realPath: string, isFolder: boolean): string | undefined {
    const root = rootOf(this.paths, realPath);
    return root === undefined ? undefined : deniedBy(this.deny, root, realPath, isFolder);
  }

  /** PATH_OUTSIDE_ROOTS or PATH_DENIED for a real path, or undefined when a tool may touch it. */
  check(realPath: string, isFolder: boolean, shown: string): ToolOutcome | undefined {
    if (!this.contains(realPath)) return this.#outside(shown).outcome;
    const rule = this.denied(realPath, isFolder);
    return rule === undefined ? undefined : deniedOutcome(shown, rule);
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
    const isFolder = real.exists && (await stat(real.path).catch(() => undefined))?.isDirectory() === true;
    const rule = this.denied(real.path, isFolder);
    if (rule !== undefined) return { ok: false, outcome: deniedOutcome(path, rule) };
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
      // Gone or no longer a link (swapped mid-call): judged outside rather than guessed at.
      const target = await readlink(path).catch(() => undefined);
      if (target === undefined) return undefined;
      return this.#realOrPlanned(isAbsolute(target) ? target : join(dirname(path), target), hops + 1);
    }
    const parent = dirname(path);
    if (parent === path) return undefined;
    const realParent = await this.#realOrPlanned(parent, hops);
    if (realParent === undefined) return undefined;
    return { path: join(realParent.path, basename(path)), exists: false };
  }

  #outside(path: string, what = "That path"): { readonly ok: false; readonly outcome: ToolOutcome } {
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

function deniedOutcome(path: string, rule: string): ToolOutcome {
  return {
    ok: false,
    code: "PATH_DENIED",
    message: `${path} is matched by the agent's deny rule "${rule}" (files that usually hold secrets); no file tool may read or change it. The user can change the list in the agent's config.`,
    recoverable: false,
  };
}
