// Proves: the path gate refuses every way out of the roots we know of — dot-dot in every
// position, absolute paths, a sibling that shares the root's prefix, URL-encoded and
// backslash-separated names, symlinked directories and files, chains and dangling links, a cwd
// outside — through the gate itself and through the real file tools, and that a refused call
// touches nothing outside (the canary keeps its content, no file appears). Paths inside work,
// including through a root that is itself a symlink.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runTool } from "../tools/registry.ts";
import type { ToolContext } from "../tools/tool.ts";
import { Roots } from "./roots.ts";

let sandbox: string;
let root: string;
let outside: string;
let canary: string;

beforeEach(() => {
  sandbox = realpathSync(mkdtempSync(join(tmpdir(), "roots-")));
  root = join(sandbox, "root");
  outside = join(sandbox, "outside");
  mkdirSync(join(root, "a", "b"), { recursive: true });
  mkdirSync(outside);
  // A sibling whose name starts with the root's: a naive prefix check would let it in.
  mkdirSync(`${root}-evil`);
  writeFileSync(join(`${root}-evil`, "x"), "evil");
  canary = join(outside, "secret");
  writeFileSync(canary, "outside secret\n");
  writeFileSync(join(sandbox, "secret"), "sandbox secret\n");
  writeFileSync(join(root, "inside.txt"), "inside\n");
  symlinkSync(outside, join(root, "link-dir"));
  symlinkSync(canary, join(root, "link-file"));
  symlinkSync(join(root, "link-dir"), join(root, "chain"));
  symlinkSync(join(outside, "created-through-dangling"), join(root, "dangling"));
  symlinkSync(join(root, "inside.txt"), join(root, "link-inside"));
});

afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

const ESCAPES = [
  "../secret",
  "../outside/secret",
  "a/../../secret",
  "a/b/../../../secret",
  "./../secret",
  "..",
  "a/..//../secret",
  "a/b/c/../../../../outside/secret",
  "/etc/passwd",
  "link-dir/secret",
  "link-dir/new-file",
  "link-file",
  "chain/secret",
  "dangling",
];

function context(roots: Roots, cwd: string | null = null): ToolContext {
  return { roots, cwd, signal: new AbortController().signal, onProgress: () => undefined };
}

function outsideUntouched(): void {
  expect(readFileSync(canary, "utf8")).toBe("outside secret\n");
  expect(readdirSync(outside)).toEqual(["secret"]);
  expect(readFileSync(join(sandbox, "secret"), "utf8")).toBe("sandbox secret\n");
  expect(
    readdirSync(sandbox)
      .filter((name) => name !== "root-link")
      .sort(),
  ).toEqual(["outside", "root", "root-evil", "secret"]);
}

describe("the path gate", () => {
  it.each([...ESCAPES, "ABS_CANARY", "ABS_EVIL_SIBLING"])("refuses %s", async (given) => {
    const path = given === "ABS_CANARY" ? canary : given === "ABS_EVIL_SIBLING" ? `${root}-evil/x` : given;
    const roots = await Roots.create([root]);
    for (const mustExist of [true, false]) {
      const resolved = await roots.resolve(path, { cwd: null, mustExist });
      expect(resolved).toMatchObject({ ok: false, outcome: { code: "PATH_OUTSIDE_ROOTS" } });
    }
  });

  it("refuses through every file tool and leaves the outside untouched", async () => {
    const roots = await Roots.create([root]);
    for (const path of [...ESCAPES, canary, `${root}-evil/x`]) {
      const calls = [
        runTool("read_file", { path }, context(roots)),
        runTool("write_file", { path, content: "pwned" }, context(roots)),
        runTool("edit_file", { path, old_string: "secret", new_string: "pwned" }, context(roots)),
        runTool("list_directory", { path }, context(roots)),
        runTool("grep", { pattern: "secret", path }, context(roots)),
        runTool("glob", { pattern: "*", path }, context(roots)),
        runTool("run_shell_command", { command: "echo hi > pwned.txt", cwd: path }, context(roots)),
      ];
      for (const outcome of await Promise.all(calls)) {
        expect(outcome, `${path}`).toMatchObject({ ok: false, code: "PATH_OUTSIDE_ROOTS" });
      }
    }
    outsideUntouched();
    expect(existsSync(join(outside, "created-through-dangling"))).toBe(false);
  });

  it("treats URL-encoded and backslash names as literal names inside the root", async () => {
    const roots = await Roots.create([root]);
    for (const path of ["%2e%2e/secret", "..%2fsecret", "..\\secret", "a\\..\\..\\secret", "a/..\\../secret"]) {
      const resolved = await roots.resolve(path, { cwd: null, mustExist: false });
      if (resolved.ok) expect(resolved.path.startsWith(`${root}/`)).toBe(true);
      else expect(resolved.outcome).toMatchObject({ code: "PATH_OUTSIDE_ROOTS" });
      const written = await runTool("write_file", { path, content: "literal" }, context(roots));
      if (written.ok) expect(String(written.metadata?.path).startsWith(`${root}/`)).toBe(true);
    }
    outsideUntouched();
  });

  it("refuses globs that climb out, and never lists a symlinked file that points outside", async () => {
    const roots = await Roots.create([root]);
    for (const pattern of ["../**", "a/../../*", `${outside}/*`]) {
      expect(await runTool("glob", { pattern }, context(roots))).toMatchObject({ ok: false, code: "PATH_OUTSIDE_ROOTS" });
    }
    const listed = await runTool("glob", { pattern: "**/*" }, context(roots));
    expect(listed).toMatchObject({ ok: true });
    // Symlinks are not followed by the walk, so no link (in or out) is listed or searched.
    expect(listed.ok && listed.output.split("\n")).toEqual(["inside.txt"]);
    const found = await runTool("grep", { pattern: "secret" }, context(roots));
    expect(found).toMatchObject({ ok: true, output: "No matches." });
  });

  it("refuses a working directory outside the roots", async () => {
    const roots = await Roots.create([root]);
    for (const cwd of [outside, join(root, "link-dir"), `${root}/..`]) {
      expect(await roots.resolve("inside.txt", { cwd, mustExist: true })).toMatchObject({
        ok: false,
        outcome: { code: "PATH_OUTSIDE_ROOTS" },
      });
      expect(await runTool("read_file", { path: "secret" }, context(roots, cwd))).toMatchObject({ code: "PATH_OUTSIDE_ROOTS" });
    }
  });

  it("allows paths inside: relative, absolute, through a symlink that stays inside, and not-yet-existing", async () => {
    const roots = await Roots.create([root]);
    expect(await roots.resolve("inside.txt", { cwd: null, mustExist: true })).toEqual({ ok: true, path: join(root, "inside.txt") });
    expect(await roots.resolve(join(root, "a", "..", "inside.txt"), { cwd: null, mustExist: true })).toEqual({
      ok: true,
      path: join(root, "inside.txt"),
    });
    expect(await roots.resolve("link-inside", { cwd: null, mustExist: true })).toEqual({ ok: true, path: join(root, "inside.txt") });
    expect(await roots.resolve("new/dir/file.txt", { cwd: "a", mustExist: false })).toEqual({
      ok: true,
      path: join(root, "a", "new", "dir", "file.txt"),
    });
    expect(await roots.resolve("missing.txt", { cwd: null, mustExist: true })).toMatchObject({
      ok: false,
      outcome: { code: "FILE_NOT_FOUND" },
    });
  });

  it("a root that is itself a symlink works for paths inside it and still refuses '..'", async () => {
    symlinkSync(root, join(sandbox, "root-link"));
    const roots = await Roots.create([join(sandbox, "root-link")]);
    expect(roots.paths).toEqual([root]);
    expect(await runTool("read_file", { path: "inside.txt" }, context(roots))).toMatchObject({ ok: true, output: "     1\tinside" });
    expect(await runTool("read_file", { path: "../secret" }, context(roots))).toMatchObject({ code: "PATH_OUTSIDE_ROOTS" });
    expect(await runTool("read_file", { path: join(sandbox, "root-link", "..", "secret") }, context(roots))).toMatchObject({
      code: "PATH_OUTSIDE_ROOTS",
    });
    outsideUntouched();
  });

  it("refuses NUL bytes and roots that do not exist", async () => {
    const roots = await Roots.create([root]);
    expect(await roots.resolve("inside.txt\0../../secret", { cwd: null, mustExist: false })).toMatchObject({
      ok: false,
      outcome: { code: "INVALID_PARAMS" },
    });
    await expect(Roots.create([join(sandbox, "nope")])).rejects.toThrow("does not exist");
    await expect(Roots.create([join(root, "inside.txt")])).rejects.toThrow("not a directory");
  });
});
