// Proves: each built-in tool does what the model is told it does, in a real temporary folder,
// and answers expected failures with codes the model can act on: ranges, the 256 KiB cap on one
// read (cut at a line, saying where to read on) and refusals of read_file, parents created by
// write_file, edit_file refusing a missing or repeated string without touching the file,
// listing, globbing, searching (on its own thread, so a runaway pattern blocks nothing and stops
// on cancel; vanished files skipped), and shell and code runs that stream their output, report
// exit codes, time out (30 s unless the call says otherwise) and cancel, stop at 1 MiB of output
// saying so, and leave no temporary file of execute_code behind.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Roots } from "../sandbox/roots.ts";
import { searchFiles } from "./grep-search.ts";
import { runTool } from "./registry.ts";
import { DEFAULT_TIMEOUT_MS, MAX_OUTPUT_BYTES } from "./run-command.ts";
import type { ToolContext, ToolProgress } from "./tool.ts";

let root: string;
let roots: Roots;
let progress: ToolProgress[];

function context(signal = new AbortController().signal): ToolContext {
  return { roots, cwd: null, signal, onProgress: (update) => progress.push(update) };
}

beforeEach(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "tools-")));
  mkdirSync(join(root, "src", "deep"), { recursive: true });
  writeFileSync(join(root, "src", "app.ts"), "export function main() {}\nexport const answer = 42;\n");
  writeFileSync(join(root, "src", "deep", "util.ts"), "export const twice = (n: number) => n * 2;\n");
  writeFileSync(join(root, "notes.md"), Array.from({ length: 30 }, (_, index) => `line ${index + 1}`).join("\n"));
  writeFileSync(join(root, "image.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]));
  roots = await Roots.create([root]);
  progress = [];
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("read_file", () => {
  it("numbers lines and reads a range, saying where to go on", async () => {
    const outcome = await runTool("read_file", { path: "notes.md", offset: 10, limit: 2 }, context());
    expect(outcome).toMatchObject({ ok: true, metadata: { total_lines: 30, lines_shown: 2 } });
    expect(outcome.ok && outcome.output).toBe("    10\tline 10\n    11\tline 11\n[30 lines in all; read on with offset 12]");
  });

  it("refuses binary files, folders and missing files with their codes", async () => {
    expect(await runTool("read_file", { path: "image.png" }, context())).toMatchObject({ ok: false, code: "BINARY_FILE" });
    expect(await runTool("read_file", { path: "src" }, context())).toMatchObject({ ok: false, code: "NOT_A_FILE" });
    expect(await runTool("read_file", { path: "nope.txt" }, context())).toMatchObject({ ok: false, code: "FILE_NOT_FOUND" });
  });

  it("caps what one read returns at 256 KiB, cut at a line, saying where to read on", async () => {
    const line = (number: number) => `${String(number).padStart(5, "0")} ${"x".repeat(200)}`;
    writeFileSync(join(root, "wide.log"), Array.from({ length: 5000 }, (_, index) => line(index + 1)).join("\n"));
    const outcome = await runTool("read_file", { path: "wide.log" }, context());
    expect(outcome).toMatchObject({ ok: true, metadata: { total_lines: 5000, capped: true } });
    const output = outcome.ok ? outcome.output : "";
    const [shownText = "", note = ""] = output.split("\n[stopped at 256 KiB of output: ");
    expect(Buffer.byteLength(shownText)).toBeLessThanOrEqual(256 * 1024);
    const shown = shownText.split("\n");
    expect(shown.length).toBeGreaterThan(1000);
    expect(shown.at(-1)).toBe(`${String(shown.length).padStart(6)}\t${line(shown.length)}`);
    expect(note).toBe(`lines 1-${shown.length} of 5000 shown; read on with offset ${shown.length + 1} and a smaller limit]`);
    const next = await runTool("read_file", { path: "wide.log", offset: shown.length + 1, limit: 10 }, context());
    expect(next.ok && next.output.split("\n")[0]).toBe(`${String(shown.length + 1).padStart(6)}\t${line(shown.length + 1)}`);
  });

  it("shows the start of a single line longer than the cap", async () => {
    writeFileSync(join(root, "min.js"), `${"a".repeat(2 * 1024 * 1024)}\nsecond line\n`);
    const outcome = await runTool("read_file", { path: "min.js" }, context());
    expect(outcome).toMatchObject({ ok: true, metadata: { lines_shown: 1, capped: true } });
    const output = outcome.ok ? outcome.output : "";
    expect(Buffer.byteLength(output)).toBeLessThan(256 * 1024 + 300);
    expect(output).toContain("[line 1 alone is over 256 KiB and was cut; read on with offset 2, or see the rest");
  });

  it("refuses a file over the size cap", async () => {
    writeFileSync(join(root, "big.log"), Buffer.alloc(10 * 1024 * 1024 + 1, 0x61));
    expect(await runTool("read_file", { path: "big.log" }, context())).toMatchObject({ ok: false, code: "FILE_TOO_LARGE" });
  });
});

describe("write_file and edit_file", () => {
  it("creates parent folders", async () => {
    const outcome = await runTool("write_file", { path: "new/nested/file.txt", content: "hello" }, context());
    expect(outcome).toMatchObject({ ok: true, metadata: { created: true, bytes: 5 } });
    expect(readFileSync(join(root, "new", "nested", "file.txt"), "utf8")).toBe("hello");
  });

  it("replaces exactly one occurrence, literally", async () => {
    const outcome = await runTool("edit_file", { path: "src/app.ts", old_string: "answer = 42", new_string: "answer = $& + 1" }, context());
    expect(outcome).toMatchObject({ ok: true, output: "Edited src/app.ts at line 2." });
    expect(readFileSync(join(root, "src", "app.ts"), "utf8")).toBe("export function main() {}\nexport const answer = $& + 1;\n");
  });

  it("refuses a missing or repeated string and leaves the file as it was", async () => {
    const before = readFileSync(join(root, "src", "app.ts"), "utf8");
    expect(await runTool("edit_file", { path: "src/app.ts", old_string: "nowhere", new_string: "x" }, context())).toMatchObject({
      ok: false,
      code: "EDIT_NO_MATCH",
    });
    expect(await runTool("edit_file", { path: "src/app.ts", old_string: "export", new_string: "x" }, context())).toMatchObject({
      ok: false,
      code: "EDIT_AMBIGUOUS",
      message: expect.stringContaining("2 times"),
    });
    expect(readFileSync(join(root, "src", "app.ts"), "utf8")).toBe(before);
  });

  it("counts overlapping occurrences: 'aa' in 'aaa' is not unique", async () => {
    writeFileSync(join(root, "pad.txt"), "aaa\n");
    expect(await runTool("edit_file", { path: "pad.txt", old_string: "aa", new_string: "b" }, context())).toMatchObject({
      ok: false,
      code: "EDIT_AMBIGUOUS",
      message: expect.stringContaining("2 times"),
    });
    expect(readFileSync(join(root, "pad.txt"), "utf8")).toBe("aaa\n");
  });
});

describe("list_directory, glob and grep", () => {
  it("lists a folder with sub-folders marked, and refuses a file", async () => {
    expect(await runTool("list_directory", { path: "." }, context())).toMatchObject({ ok: true, output: "image.png\nnotes.md\nsrc/" });
    expect(await runTool("list_directory", { path: "notes.md" }, context())).toMatchObject({ ok: false, code: "NOT_A_DIRECTORY" });
  });

  it("globs recursively", async () => {
    expect(await runTool("glob", { pattern: "**/*.ts" }, context())).toMatchObject({ ok: true, output: "src/app.ts\nsrc/deep/util.ts" });
    expect(await runTool("glob", { pattern: "*.ts", path: "src/deep" }, context())).toMatchObject({ ok: true, output: "util.ts" });
  });

  it("searches with a regular expression, filtered by include, skipping binary files", async () => {
    const found = await runTool("grep", { pattern: "export (const|function)", include: "**/*.ts" }, context());
    expect(found).toMatchObject({
      ok: true,
      output:
        "src/app.ts:1: export function main() {}\nsrc/app.ts:2: export const answer = 42;\nsrc/deep/util.ts:1: export const twice = (n: number) => n * 2;",
    });
    expect(await runTool("grep", { pattern: "PNG" }, context())).toMatchObject({ ok: true, output: "No matches." });
    expect(await runTool("grep", { pattern: "(unclosed" }, context())).toMatchObject({ ok: false, code: "INVALID_PARAMS" });
  });
});

describe("grep on a thread of its own", () => {
  it("keeps the agent responsive under a catastrophic pattern, and stops when cancelled", async () => {
    writeFileSync(join(root, "evil.txt"), `${"a".repeat(40)}!\n`);
    const controller = new AbortController();
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 50);
    setTimeout(() => controller.abort(), 500);
    const started = performance.now();
    const outcome = await runTool("grep", { pattern: "^(a+)+$", path: "evil.txt" }, context(controller.signal));
    clearInterval(ticker);
    expect(outcome).toMatchObject({ ok: false, code: "CANCELLED" });
    expect(performance.now() - started).toBeLessThan(3000);
    // The main thread went on serving timers (pings, cancels, deadlines) all the while.
    expect(ticks).toBeGreaterThanOrEqual(5);
  });

  it("skips a file that vanished between listing and reading, and says so", () => {
    const result = searchFiles({
      pattern: "export",
      roots: roots.paths,
      deny: roots.deny.rules,
      files: [
        { path: join(root, "gone.ts"), shown: "gone.ts" },
        { path: join(root, "src"), shown: "src" },
        { path: join(root, "src", "app.ts"), shown: "src/app.ts" },
      ],
      maxMatches: 10,
      maxLineChars: 500,
    });
    expect(result).toEqual({
      matches: ["src/app.ts:1: export function main() {}", "src/app.ts:2: export const answer = 42;"],
      skipped: 2,
      capped: false,
    });
  });
});

describe("run_shell_command and execute_code", () => {
  it("runs in the root, streams output as progress and reports the exit code", async () => {
    const outcome = await runTool("run_shell_command", { command: "pwd; echo oops >&2; exit 4" }, context());
    expect(outcome).toMatchObject({ ok: true, metadata: { exit_code: 4, truncated: false } });
    expect(outcome.ok && outcome.output).toBe(`${root}\noops\n[exit code 4]`);
    expect(progress.map((update) => update.output ?? "").join("")).toBe(`${root}\noops\n`);
    expect(progress.at(-1)).toEqual({ status: "exit code 4" });
  });

  it("runs in a sub-folder given as cwd", async () => {
    expect(await runTool("run_shell_command", { command: "ls", cwd: "src" }, context())).toMatchObject({
      ok: true,
      output: "app.ts\ndeep\n[exit code 0]",
    });
  });

  it("times out with TIMEOUT and cancels with CANCELLED", async () => {
    const timedOut = await runTool("run_shell_command", { command: "echo begun; sleep 20", timeout_ms: 1000 }, context());
    expect(timedOut).toMatchObject({ ok: false, code: "TIMEOUT", message: expect.stringContaining("begun") });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    expect(await runTool("run_shell_command", { command: "sleep 20" }, context(controller.signal))).toMatchObject({
      ok: false,
      code: "CANCELLED",
    });
  });

  it.each([
    ["python", "print(sum(range(10)))"],
    ["node", "console.log([1, 2, 3].reduce((a, b) => a + b) + 39)"],
    ["bash", "echo $((40 + 5))"],
  ] as const)("runs %s code from a temporary file", async (language, code) => {
    const outcome = await runTool("execute_code", { language, code }, context());
    expect(outcome).toMatchObject({ ok: true, output: `45\n[exit code 0]` });
  });

  it("removes execute_code's temporary file after a run, a timeout and a cancel", async () => {
    const scriptOf = (output: string) => /^(\/\S+snippet\.sh)$/m.exec(output)?.[1] ?? "";
    const finished = await runTool("execute_code", { language: "bash", code: 'echo "$0"' }, context());
    expect(finished).toMatchObject({ ok: true });
    const timedOut = await runTool("execute_code", { language: "bash", code: 'echo "$0"; sleep 20', timeout_ms: 1000 }, context());
    expect(timedOut).toMatchObject({ ok: false, code: "TIMEOUT" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const cancelled = await runTool("execute_code", { language: "bash", code: 'echo "$0"; sleep 20' }, context(controller.signal));
    expect(cancelled).toMatchObject({ ok: false, code: "CANCELLED" });
    for (const outcome of [finished, timedOut, cancelled]) {
      const script = scriptOf(outcome.ok ? outcome.output : outcome.message);
      expect(script).toMatch(/maestro-code-[^/]+\/snippet\.sh$/);
      expect(existsSync(dirname(script))).toBe(false);
    }
  });

  it("caps a command's output at 1 MiB, says so, and stops the command", async () => {
    expect(MAX_OUTPUT_BYTES).toBe(1024 * 1024);
    const started = performance.now();
    const outcome = await runTool("run_shell_command", { command: "head -c 3000000 /dev/zero | tr '\\0' x; sleep 20" }, context());
    expect(outcome).toMatchObject({ ok: true, metadata: { truncated: true } });
    const output = outcome.ok ? outcome.output : "";
    expect(output).toContain("[output truncated at 1 MiB]");
    expect(output.startsWith("x".repeat(1000))).toBe(true);
    expect(Buffer.byteLength(output)).toBeGreaterThanOrEqual(1024 * 1024);
    expect(Buffer.byteLength(output)).toBeLessThan(1024 * 1024 + 100);
    // Killed at the cap, not left to run (the sleep) once nobody reads its output.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("kills a command at 30 s when the call names no timeout", async () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      let outcome: Awaited<ReturnType<typeof runTool>> | undefined;
      void runTool("run_shell_command", { command: "echo started; sleep 60" }, context()).then((done) => (outcome = done));
      while (!progress.some((update) => update.output === "started\n")) await new Promise((resolve) => setImmediate(resolve));
      await vi.advanceTimersByTimeAsync(29_900);
      expect(outcome).toBeUndefined();
      await vi.advanceTimersByTimeAsync(100);
      while (outcome === undefined) await new Promise((resolve) => setImmediate(resolve));
      expect(outcome).toMatchObject({ ok: false, code: "TIMEOUT", message: expect.stringContaining("killed after 30000 ms") });
    } finally {
      vi.useRealTimers();
    }
  });

  it("validates parameters before running anything", async () => {
    expect(await runTool("execute_code", { language: "ruby", code: "puts 1" }, context())).toMatchObject({
      ok: false,
      code: "INVALID_PARAMS",
      message: expect.stringContaining("language"),
    });
    expect(await runTool("format_disk", {}, context())).toMatchObject({ ok: false, code: "TOOL_NOT_FOUND" });
  });
});
