/**
 * What run_shell_command and execute_code share: where a command runs (a gated folder), the
 * limits (30 s default timeout, 1 MiB of output), output streamed as progress, and how the end
 * of a process reads to the model. A non-zero exit is a result, not a failure: the model reads it.
 */
import { stat } from "node:fs/promises";
import type { ToolOutcome } from "@maestro/protocol";
import { runProcess } from "../sandbox/process.ts";
import type { ToolContext } from "./tool.ts";
import { failure } from "./tool.ts";

export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_OUTPUT_BYTES = 1024 * 1024;

/** The folder a command runs in: the one asked for, else the session's, else the first root. */
export async function commandFolder(
  context: ToolContext,
  asked: string | undefined,
): Promise<{ ok: true; path: string } | { ok: false; outcome: ToolOutcome }> {
  const resolved = await context.roots.resolve(asked ?? ".", { cwd: context.cwd, mustExist: true });
  if (!resolved.ok) return resolved;
  if (!(await stat(resolved.path)).isDirectory())
    return { ok: false, outcome: failure("NOT_A_DIRECTORY", `${asked ?? "."} is not a directory.`) };
  return resolved;
}

/** The agent's environment without its own token: a command has no business with it. */
function commandEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.MAESTRO_AGENT_TOKEN;
  return env;
}

export async function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; timeoutMs: number | undefined; context: ToolContext; readable?: readonly string[] },
): Promise<ToolOutcome> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const place = { writable: options.context.roots.paths, cwd: options.cwd, ...(options.readable && { readable: options.readable }) };
  const line = options.context.sandbox?.wrap(command, args, place) ?? { command, args };
  const result = await runProcess({
    command: line.command,
    args: line.args,
    cwd: options.cwd,
    env: commandEnv(),
    timeoutMs,
    maxOutputBytes: MAX_OUTPUT_BYTES,
    signal: options.context.signal,
    onOutput: (chunk) => options.context.onProgress({ output: chunk }),
  });
  const output = result.truncated ? `${result.output}\n[output truncated at 1 MiB]` : result.output;
  if (result.cancelled) return failure("CANCELLED", `The command was cancelled. Output so far:\n${output}`, false);
  if (result.timedOut) return failure("TIMEOUT", `The command was killed after ${timeoutMs} ms. Output so far:\n${output}`);
  const ending = result.exitCode === null ? `killed by ${result.signal ?? "a signal"}` : `exit code ${result.exitCode}`;
  options.context.onProgress({ status: ending });
  return {
    ok: true,
    output: `${output}${output.endsWith("\n") || output === "" ? "" : "\n"}[${ending}]`,
    metadata: { exit_code: result.exitCode, truncated: result.truncated, duration_ms: result.durationMs },
  };
}
