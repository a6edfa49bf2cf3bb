/**
 * The search itself, for grep: each file read, skipped if it is too large, binary, or gone (a file
 * deleted or made unreadable between the walk and the read is not the model's error), and its
 * lines tested. Synchronous on purpose: it runs on its own thread (grep-thread.ts), where it
 * blocks nothing and a terminate() stops even a catastrophically backtracking pattern.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { DenyList } from "../sandbox/deny.ts";
import { deniedBy, rootOf } from "../sandbox/roots.ts";
import { MAX_FILE_BYTES, startsLikeBinary } from "./file-limits.ts";

export interface SearchInput {
  readonly pattern: string;
  /** The roots' real paths and the deny rules: each file is checked again once opened. */
  readonly roots: readonly string[];
  readonly deny: readonly string[];
  /** Absolute path to read, and the name the model sees for it. */
  readonly files: readonly { readonly path: string; readonly shown: string }[];
  readonly maxMatches: number;
  readonly maxLineChars: number;
}

export interface SearchResult {
  readonly matches: string[];
  /** Files that vanished or could not be read mid-search. */
  readonly skipped: number;
  readonly capped: boolean;
}

/**
 * Opened without following a link in its last name, and read only when the descriptor's real
 * location (Linux: /proc/self/fd) is inside a root and not denied: a folder on the way swapped
 * for a symlink after the walk makes the file "vanished", never read.
 */
function readText(path: string, roots: readonly string[], deny: DenyList): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const real = process.platform === "linux" ? readlinkSync(`/proc/self/fd/${fd}`) : realpathSync(path);
    const root = rootOf(roots, real);
    if (root === undefined || deniedBy(deny, root, real, false) !== undefined) return undefined;
    const info = fstatSync(fd);
    if (!info.isFile()) return undefined;
    if (info.size > MAX_FILE_BYTES) return "";
    const bytes = readFileSync(fd);
    // Only a prefix is sniffed, as git and GNU grep do, unlike read_file, which checks every byte
    // it returns. A search reads up to 20,000 files and a NUL in the first 8 KiB tells nearly all
    // binary files apart; and skipping a whole file for binary bytes far into it would hide the
    // matches in the text before them (logs padded with NULs after a crash, say). A line matched in
    // such a part comes through with U+FFFD for its invalid bytes, cut at maxLineChars; read_file,
    // where the model looks closer, refuses that part.
    return startsLikeBinary(bytes) ? "" : bytes.toString("utf8");
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export function searchFiles(input: SearchInput): SearchResult {
  const regex = new RegExp(input.pattern);
  const deny = new DenyList(input.deny);
  const matches: string[] = [];
  let skipped = 0;
  for (const file of input.files) {
    const text = readText(file.path, input.roots, deny);
    if (text === undefined) {
      skipped += 1;
      continue;
    }
    for (const [index, line] of text.split(/\r?\n/).entries()) {
      if (!regex.test(line)) continue;
      const shown = line.length > input.maxLineChars ? `${line.slice(0, input.maxLineChars)}…` : line;
      matches.push(`${file.shown}:${index + 1}: ${shown}`);
      if (matches.length === input.maxMatches) return { matches, skipped, capped: true };
    }
  }
  return { matches, skipped, capped: false };
}
