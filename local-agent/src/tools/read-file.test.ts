// Proves: read_file checks every byte it returns, not a prefix: binary content (a NUL, invalid
// UTF-8) anywhere in the window asked for is refused with BINARY_FILE, naming the byte offset and
// line where it starts and the limit that reads the text before it, while lines past the window or
// the 256 KiB cap are not held against it; multi-byte characters across the 8 KiB and 256 KiB
// marks are text and a cut never splits one; RTL marks, zero-width and control characters come
// through intact. Also the other readers of such files: edit_file refuses them whole, grep still
// finds matches in their text. Real files in a temporary folder.
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Roots } from "../sandbox/roots.ts";
import { MAX_READ_OUTPUT_BYTES } from "./read-file.ts";
import { runTool } from "./registry.ts";
import type { ToolContext } from "./tool.ts";

let root: string;
let roots: Roots;

function context(): ToolContext {
  return { roots, cwd: null, signal: new AbortController().signal, onProgress: () => {} };
}

function read(path: string, window: { offset?: number; limit?: number } = {}) {
  return runTool("read_file", { path, ...window }, context());
}

/** What read_file shows for these lines, numbered from `first`. */
function shown(lines: readonly string[], first = 1): string {
  return lines.map((line, index) => `${String(first + index).padStart(6)}\t${line}`).join("\n");
}

const isContinuation = (bytes: Buffer, at: number) => ((bytes[at] ?? 0) & 0xc0) === 0x80;

beforeEach(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "read-file-")));
  roots = await Roots.create([root]);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("read_file's binary check covers the window it returns", () => {
  // 200 lines of 64 bytes (newline included); line 150 has a NUL 10 bytes in, at byte 9546.
  const padded = (number: number) => `${String(number).padStart(4, "0")} ${"t".repeat(58)}`;
  const nulLines = Array.from({ length: 200 }, (_, index) => padded(index + 1));
  nulLines[149] = `0150 ${"t".repeat(5)}\0${"t".repeat(52)}`;

  it("refuses text with a NUL after the first 8 KiB, saying where and how to read the text before it", async () => {
    const bytes = Buffer.from(`${nulLines.join("\n")}\n`);
    writeFileSync(join(root, "log.txt"), bytes);
    expect(bytes.subarray(0, 8192).includes(0)).toBe(false);
    expect(bytes.indexOf(0)).toBe(9546);
    expect(await read("log.txt")).toEqual({
      ok: false,
      code: "BINARY_FILE",
      message:
        "log.txt has binary content: at byte offset 9546 (line 150) there is a NUL byte. " +
        "Lines 1-149 before it are text; read them with offset 1 and limit 149.",
      recoverable: true,
    });
    expect(await read("log.txt", { offset: 1, limit: 149 })).toMatchObject({
      ok: true,
      output: `${shown(nulLines.slice(0, 149))}\n[200 lines in all; read on with offset 150]`,
    });
    expect(await read("log.txt", { offset: 140, limit: 20 })).toMatchObject({
      ok: false,
      code: "BINARY_FILE",
      message: expect.stringContaining("Lines 140-149 before it are text; read them with offset 140 and limit 10."),
    });
    expect(await read("log.txt", { offset: 150 })).toMatchObject({
      ok: false,
      code: "BINARY_FILE",
      message: "log.txt has binary content from the first line asked for: at byte offset 9546 (line 150) there is a NUL byte.",
    });
    expect(await read("log.txt", { offset: 151 })).toMatchObject({ ok: true, output: shown(nulLines.slice(150), 151) });
  });

  it("refuses text with invalid UTF-8 after 100 KiB, and reads the text before it", async () => {
    // 1,200 lines of 100 bytes; line 1100 holds 0xC3 0x28 (a lead byte without its continuation).
    const lines = Array.from({ length: 1200 }, (_, index) => Buffer.from(`${String(index + 1).padStart(5, "0")} ${"u".repeat(93)}\n`));
    const bad = lines[1099] ?? Buffer.alloc(0);
    bad[20] = 0xc3;
    bad[21] = 0x28;
    writeFileSync(join(root, "data.txt"), Buffer.concat(lines));
    expect(1099 * 100 + 20).toBeGreaterThan(100 * 1024);
    expect(await read("data.txt")).toMatchObject({
      ok: false,
      code: "BINARY_FILE",
      message:
        "data.txt has binary content: at byte offset 109920 (line 1100) there is invalid UTF-8 (binary data, or text in " +
        "another encoding). Lines 1-1099 before it are text; read them with offset 1 and limit 1099.",
    });
    const before = await read("data.txt", { offset: 1, limit: 1099 });
    expect(before).toMatchObject({ ok: true, metadata: { lines_shown: 1099, capped: false } });
    expect(before.ok && before.output).not.toContain("\uFFFD");
  });

  it("does not hold binary content past the 256 KiB cap against a read: those bytes are not returned", async () => {
    // 3,000 lines of 200 bytes: the cap stops a read long before line 2500, which has a NUL.
    const lines = Array.from({ length: 3000 }, (_, index) => `${String(index + 1).padStart(5, "0")} ${"w".repeat(193)}`);
    lines[2499] = `02500 ${"\0".repeat(193)}`;
    writeFileSync(join(root, "wide.log"), `${lines.join("\n")}\n`);
    const first = await read("wide.log", { limit: 3000 });
    expect(first).toMatchObject({ ok: true, metadata: { capped: true } });
    const count = first.ok ? Number(first.metadata?.lines_shown) : 0;
    expect(count).toBeGreaterThan(1000);
    expect(count).toBeLessThan(2499);
    expect(await read("wide.log", { offset: count + 1, limit: 3000 })).toMatchObject({
      ok: false,
      code: "BINARY_FILE",
      message: expect.stringContaining(`(line 2500) there is a NUL byte. Lines ${count + 1}-2499 before it are text`),
    });
  });
});

describe("read_file on text that only looks unusual", () => {
  it("reads multi-byte characters across the 8 KiB and 256 KiB marks as text, and cuts a long line between characters", async () => {
    const cut = MAX_READ_OUTPUT_BYTES - "     1\t".length; // line 1's bytes that fit beside its number
    // Emoji at bytes 8190-8193, 262135-262138 (across the cut) and 262142-262145; euro signs between.
    const kept = `${"x".repeat(8190)}😀${"€".repeat(84_647)}`;
    const line = `${kept}😀yyy😀${"z".repeat(1000)}`;
    const bytes = Buffer.from(`${line}\nsecond line\n`);
    writeFileSync(join(root, "wide.txt"), bytes);
    for (const mark of [8192, cut, 256 * 1024]) expect(isContinuation(bytes, mark), `byte ${mark}`).toBe(true);
    expect(Buffer.byteLength(kept)).toBe(cut - 2);
    const outcome = await read("wide.txt");
    expect(outcome).toMatchObject({ ok: true, metadata: { lines_shown: 1, capped: true } });
    const output = outcome.ok ? outcome.output : "";
    expect(output).toBe(
      `${shown([kept])}…\n[line 1 alone is over 256 KiB and was cut; read on with offset 2, ` +
        "or see the rest of that line with run_shell_command (e.g. cut -c or head -c)]",
    );
  });

  it("reads lines of multi-byte characters across both marks, over two reads", async () => {
    // 1,000 lines of 100 euro signs (301 bytes): bytes 8192 and 262144 fall inside characters.
    const lines = Array.from({ length: 1000 }, () => "€".repeat(100));
    const bytes = Buffer.from(`${lines.join("\n")}\n`);
    writeFileSync(join(root, "euros.txt"), bytes);
    expect(isContinuation(bytes, 8192) && isContinuation(bytes, 256 * 1024)).toBe(true);
    const first = await read("euros.txt", { limit: 1000 });
    expect(first).toMatchObject({ ok: true, metadata: { capped: true } });
    const count = first.ok ? Number(first.metadata?.lines_shown) : 0;
    expect(first.ok && first.output.split("\n[stopped at")[0]).toBe(shown(lines.slice(0, count)));
    const rest = await read("euros.txt", { offset: count + 1, limit: 1000 });
    expect(rest).toMatchObject({ ok: true, output: shown(lines.slice(count), count + 1) });
  });

  it("passes RTL marks, zero-width and control characters through intact, before and after 8 KiB", async () => {
    const unusual = [
      "\uFEFF// starts with a byte order mark",
      'const label = "\u202Eevil\u202C"; // right-to-left override',
      "\u05E9\u05DC\u05D5\u05DD \u200F(RTL mark) \u200E(LTR mark) \u061C(Arabic letter mark)",
      "zero\u200Bwidth\u200Cnon\u200Djoiner\u2060word",
      "\x1b[31mred\x1b[0m, bell \x07, backspace \x08, tab \t, VT \x0b, FF \x0c, DEL \x7f, a lone \r return, C1 \x85",
      "\u2028 line separator \u2029 paragraph separator",
    ];
    const lines = [...unusual, ...Array.from({ length: 200 }, (_, index) => `padding ${index} ${"p".repeat(60)}`), ...unusual];
    writeFileSync(join(root, "odd.ts"), `${lines.join("\n")}\n`);
    expect(await read("odd.ts", { limit: 300 })).toEqual({
      ok: true,
      output: shown(lines),
      metadata: { path: join(root, "odd.ts"), total_lines: lines.length, lines_shown: lines.length, capped: false },
    });
    expect(await runTool("grep", { pattern: "evil", path: "odd.ts" }, context())).toMatchObject({
      ok: true,
      output: `odd.ts:2: ${unusual[1]}\nodd.ts:208: ${unusual[1]}`,
    });
  });
});

describe("edit_file and grep on text with binary content after 8 KiB", () => {
  it("edit_file refuses the file and leaves every byte as it was", async () => {
    // Latin-1 after 8 KiB: decoding and writing back would turn each é into U+FFFD for good.
    const bytes = Buffer.concat([Buffer.from(`${"plain text\n".repeat(1000)}`), Buffer.from("café = 1\n", "latin1")]);
    writeFileSync(join(root, "legacy.txt"), bytes);
    expect(await runTool("edit_file", { path: "legacy.txt", old_string: "café", new_string: "cafe" }, context())).toEqual({
      ok: false,
      code: "BINARY_FILE",
      message: "legacy.txt is not all text (at byte offset 11003 there is invalid UTF-8); edit_file only edits text files.",
      recoverable: true,
    });
    expect(readFileSync(join(root, "legacy.txt")).equals(bytes)).toBe(true);
  });

  it("grep sniffs only the first 8 KiB, so it still finds matches in the text before a NUL", async () => {
    const lines = Array.from({ length: 200 }, (_, index) => `${String(index + 1).padStart(4, "0")} ${"t".repeat(58)}`);
    lines[149] = `0150 needle\0`;
    writeFileSync(join(root, "log.txt"), `${lines.join("\n")}\n`);
    writeFileSync(join(root, "blob.bin"), Buffer.from("needle\0needle"));
    expect(await runTool("grep", { pattern: "^0003 |needle" }, context())).toMatchObject({
      ok: true,
      output: `log.txt:3: ${lines[2]}\nlog.txt:150: 0150 needle\0`,
    });
  });
});
