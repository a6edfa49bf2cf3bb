/**
 * grep: lines matching a regular expression, as `path:line: text`, in files under a folder. The
 * files are listed here; the matching runs on a worker thread, so a pattern that backtracks
 * catastrophically cannot stall the agent's pings, cancels or deadlines: aborting the call
 * terminates the thread. Hand-written on purpose: no well-kept offline JS grep library fits, and
 * ripgrep's npm package downloads a binary at install time, which these machines cannot do.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { type SearchInput, type SearchResult } from "./grep-search.ts";
import { defineTool, failure } from "./tool.ts";
import { walk } from "./walk.ts";

const MAX_MATCHES = 1000;
const MAX_FILES = 20_000;
const MAX_LINE_CHARS = 500;

function compileError(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : "invalid regular expression";
  }
}

/** Runs the search on its own thread; undefined when the signal stopped it first. */
function searchOnThread(input: SearchInput, signal: AbortSignal): Promise<SearchResult | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  const thread = new Worker(new URL("./grep-thread.ts", import.meta.url), { workerData: input });
  return new Promise<SearchResult | undefined>((resolve, reject) => {
    const stop = () => {
      resolve(undefined);
      void thread.terminate();
    };
    signal.addEventListener("abort", stop, { once: true });
    thread.once("message", (result: SearchResult) => resolve(result));
    thread.once("error", reject);
    thread.once("exit", (code) => {
      signal.removeEventListener("abort", stop);
      // After an answer or a stop this changes nothing; otherwise the thread died without one.
      reject(new Error(`the search thread exited with code ${code}`));
    });
  });
}

export const grepTool = defineTool("grep", async (params, context) => {
  const invalid = compileError(params.pattern);
  if (invalid !== undefined) return failure("INVALID_PARAMS", `pattern is not a valid regular expression: ${invalid}`);
  const resolved = await context.roots.resolve(params.path ?? ".", { cwd: context.cwd, mustExist: true });
  if (!resolved.ok) return resolved.outcome;
  const folder = resolved.path;
  const walked = (await stat(folder)).isDirectory()
    ? await walk(context.roots, folder, params.include ?? "**/*", MAX_FILES)
    : ({ ok: true, files: [""], capped: false } as const);
  if (!walked.ok) return walked.outcome;
  const files = walked.files.map((file) =>
    file === "" ? { path: folder, shown: params.path ?? "." } : { path: join(folder, file), shown: file },
  );
  const result = await searchOnThread(
    {
      pattern: params.pattern,
      roots: context.roots.paths,
      deny: context.roots.deny.rules,
      files,
      maxMatches: MAX_MATCHES,
      maxLineChars: MAX_LINE_CHARS,
    },
    context.signal,
  );
  if (result === undefined) return failure("CANCELLED", "The search was stopped before it finished.", false);
  const { matches, capped, skipped } = result;
  const notes = [
    ...(capped ? [`[stopped at ${MAX_MATCHES} matches]`] : []),
    ...(skipped > 0 ? [`[${skipped} file(s) vanished or could not be read during the search and were skipped]`] : []),
  ];
  return {
    ok: true,
    output: [matches.length === 0 ? "No matches." : matches.join("\n"), ...notes].join("\n"),
    metadata: { matches: matches.length, files_searched: walked.files.length, files_skipped: skipped, capped },
  };
});
