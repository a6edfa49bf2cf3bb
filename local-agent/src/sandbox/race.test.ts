// Proves (issue 14 §1): while another process keeps swapping a folder inside the root for a
// symlink to a folder outside it, and a file inside for a symlink to a file outside, thousands
// of read_file, write_file, edit_file, list_directory, glob and grep calls never read, list,
// write or create anything outside the root: 0 escapes. Refusals and "not found" are expected
// (the folder is briefly missing or a link); the count of them shows the race was really run.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTool } from "../tools/registry.ts";
import type { ToolContext } from "../tools/tool.ts";
import { linkSwapperScript } from "../testing/link-swapper.ts";
import { Roots } from "./roots.ts";

const SWAPPER = linkSwapperScript();

let base: string;
let root: string;
let outside: string;
let swapper: ChildProcess;
let context: ToolContext;
let totalRefused = 0;

function outsideUntouched(): boolean {
  return (
    readFileSync(join(outside, "t.txt"), "utf8") === "OUTSIDE INSIDE" &&
    readdirSync(outside).sort().join(",") === "secret-outside.txt,t.txt"
  );
}

/** Puts outside/ back as it was, so that each escape is counted once (and by the tool that made it). */
function resetOutside(): void {
  for (const name of readdirSync(outside)) rmSync(join(outside, name), { recursive: true, force: true });
  writeFileSync(join(outside, "t.txt"), "OUTSIDE INSIDE");
  writeFileSync(join(outside, "secret-outside.txt"), "OUTSIDE");
}

beforeAll(async () => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "race-")));
  root = join(base, "root");
  outside = join(base, "outside");
  mkdirSync(join(root, "dir"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, "dir", "t.txt"), "INSIDE");
  resetOutside();
  context = { roots: await Roots.create([root]), cwd: null, signal: new AbortController().signal, onProgress: () => {} };
  swapper = spawn(process.execPath, ["-e", SWAPPER, root, outside], { stdio: "ignore" });
  await new Promise((resolve) => setTimeout(resolve, 100));
});

afterAll(() => {
  swapper.kill("SIGKILL");
  rmSync(base, { recursive: true, force: true });
});

/** Calls a tool `times` times; counts escapes (by `escaped`) and refusals. */
async function hammer(times: number, call: (index: number) => Promise<string | undefined>): Promise<{ escapes: number; refused: number }> {
  let escapes = 0;
  let refused = 0;
  for (let index = 0; index < times; index += 1) {
    const output = await call(index);
    if (output === undefined) refused += 1;
    else if (output.includes("OUTSIDE") || output.includes("secret-outside")) escapes += 1;
    if (!outsideUntouched()) {
      escapes += 1;
      resetOutside();
    }
  }
  return { escapes, refused };
}

async function text(name: Parameters<typeof runTool>[0], params: Record<string, unknown>): Promise<string | undefined> {
  const outcome = await runTool(name, params, context);
  return outcome.ok ? outcome.output : undefined;
}

describe.skipIf(process.platform !== "linux")("file tools against a concurrent folder/symlink swapper", () => {
  it.each([
    ["read_file", 1500, () => text("read_file", { path: "dir/t.txt" })],
    [
      "write_file",
      1500,
      (index: number) => text("write_file", { path: index % 2 === 0 ? "dir/t.txt" : `dir/new-${index % 10}.txt`, content: "WRITTEN" }),
    ],
    ["edit_file", 1500, () => text("edit_file", { path: "dir/t.txt", old_string: "INSIDE", new_string: "EDITED" })],
    ["list_directory", 1500, () => text("list_directory", { path: "dir" })],
    ["glob", 1500, () => text("glob", { pattern: "dir/**" })],
    ["grep", 40, () => text("grep", { pattern: "OUTSIDE|INSIDE|WRITTEN|EDITED", path: "." })],
  ] as const)(
    "%s: 0 escapes in %i calls",
    async (_name, times, call) => {
      const { escapes, refused } = await hammer(times, call);
      expect(escapes).toBe(0);
      totalRefused += refused;
    },
    20_000,
  );

  it("the swapper really got in the way (some calls were refused or found nothing)", () => {
    expect(swapper.exitCode).toBeNull();
    expect(totalRefused).toBeGreaterThan(0);
  });
});
