// Proves (issue 14 §4 and the hard-link rule of §1): the default deny list keeps secrets away from
// every file tool — read, write, edit refuse with PATH_DENIED naming the rule (also through a
// symlink, and for this repository's .dev.vars, which demo mode's agent serves), listings mark
// denied entries, glob and grep leave them out — and a user's list replaces it. Writes and edits
// refuse a file with a second name (FILE_HARD_LINKED); reads of it are allowed.
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runTool } from "../tools/registry.ts";
import type { ToolContext } from "../tools/tool.ts";
import { DEFAULT_DENY, DenyList } from "./deny.ts";
import { Roots } from "./roots.ts";

let root: string;

function context(roots: Roots): ToolContext {
  return { roots, cwd: null, signal: new AbortController().signal, onProgress: () => {} };
}

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "deny-")));
  mkdirSync(join(root, ".ssh"));
  writeFileSync(join(root, ".ssh", "config"), "Host x SECRET");
  writeFileSync(join(root, ".env.local"), "TOKEN=SECRET");
  writeFileSync(join(root, "server.pem"), "SECRET");
  writeFileSync(join(root, "app.ts"), "const x = 1;\n");
  symlinkSync(join(root, ".env.local"), join(root, "innocent.txt"));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("DenyList", () => {
  it("matches names at any depth; a rule ending in / only folders", () => {
    const deny = new DenyList(DEFAULT_DENY);
    expect(deny.match(".env")).toBe(".env*");
    expect(deny.match("a/b/.env.production")).toBe(".env*");
    expect(deny.match("keys/server.pem")).toBe("*.pem");
    expect(deny.match(".ssh/known_hosts")).toBe(".ssh/");
    expect(deny.match(".ssh", true)).toBe(".ssh/");
    expect(deny.match(".ssh")).toBeUndefined();
    expect(deny.match("src/id_generator.ts")).toBeUndefined();
    expect(deny.match("src/env.ts")).toBeUndefined();
  });
});

describe("file tools and the default deny list", () => {
  it("read, write and edit refuse denied paths with PATH_DENIED naming the rule, also through a symlink", async () => {
    const ctx = context(await Roots.create([root]));
    const cases = [
      await runTool("read_file", { path: ".env.local" }, ctx),
      await runTool("read_file", { path: "innocent.txt" }, ctx),
      await runTool("read_file", { path: ".ssh/config" }, ctx),
      await runTool("write_file", { path: "server.pem", content: "x" }, ctx),
      await runTool("write_file", { path: ".ssh/new", content: "x" }, ctx),
      await runTool("edit_file", { path: ".env.local", old_string: "TOKEN", new_string: "X" }, ctx),
    ];
    for (const outcome of cases) expect(outcome).toMatchObject({ ok: false, code: "PATH_DENIED" });
    expect(cases[0]).toMatchObject({ message: expect.stringContaining('".env*"') });
    expect(readFileSync(join(root, "server.pem"), "utf8")).toBe("SECRET");
    expect(existsSync(join(root, ".ssh", "new"))).toBe(false);
  });

  it("list_directory marks denied entries; glob and grep leave them out", async () => {
    const ctx = context(await Roots.create([root]));
    const listed = await runTool("list_directory", { path: "." }, ctx);
    expect(listed.ok && listed.output).toContain(".env.local  [denied: .env*]");
    expect(listed.ok && listed.output).toContain(".ssh/  [denied: .ssh/]");
    const globbed = await runTool("glob", { pattern: "**/*" }, ctx);
    expect(globbed.ok && globbed.output).toBe("app.ts");
    const grepped = await runTool("grep", { pattern: "SECRET|const" }, ctx);
    expect(grepped.ok && grepped.output).toBe("app.ts:1: const x = 1;");
  });

  it("refuses this repository's .dev.vars, as served by demo mode's agent", async () => {
    const repo = resolve(import.meta.dirname, "../../..");
    const outcome = await runTool("read_file", { path: ".dev.vars" }, context(await Roots.create([repo])));
    expect(outcome).toMatchObject({ ok: false, code: "PATH_DENIED" });
  });

  it("a user's list replaces the default", async () => {
    const ctx = context(await Roots.create([root], ["*.ts"]));
    expect(await runTool("read_file", { path: ".env.local" }, ctx)).toMatchObject({ ok: true });
    expect(await runTool("read_file", { path: "app.ts" }, ctx)).toMatchObject({ ok: false, code: "PATH_DENIED" });
  });
});

describe("hard links", () => {
  it("write and edit refuse a file with another name; read allows it", async () => {
    const ctx = context(await Roots.create([root]));
    linkSync(join(root, "app.ts"), join(root, "twin.ts"));
    expect(await runTool("write_file", { path: "twin.ts", content: "x" }, ctx)).toMatchObject({ ok: false, code: "FILE_HARD_LINKED" });
    expect(await runTool("edit_file", { path: "app.ts", old_string: "1", new_string: "2" }, ctx)).toMatchObject({
      ok: false,
      code: "FILE_HARD_LINKED",
    });
    expect(readFileSync(join(root, "app.ts"), "utf8")).toBe("const x = 1;\n");
    expect(await runTool("read_file", { path: "twin.ts" }, ctx)).toMatchObject({ ok: true });
  });
});
