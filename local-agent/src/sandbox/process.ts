/**
 * Running a command for a tool: its own process group (so a kill reaches every child it forked),
 * stdout and stderr merged in arrival order and streamed, output capped, and the whole group
 * killed on timeout, on cancel, or when the cap is hit. Resolves only after the process closed.
 *
 * The group also dies with the agent, even on SIGKILL (when no exit handler runs): the command is
 * started by a watchdog shell that holds the read end of a pipe whose write end only the agent
 * has. When the agent dies, the kernel closes that end, the watchdog reads EOF and kills the group.
 */
import { spawn } from "node:child_process";

export interface ProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
  readonly signal: AbortSignal;
  readonly onOutput: (chunk: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

export interface ProcessResult {
  readonly pid: number | undefined;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly output: string;
  readonly truncated: boolean;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly durationMs: number;
}

/**
 * `sh -c WATCHDOG sh <command> <args…>`: a background subshell waits for EOF on the agent's pipe
 * (fd 3, a copy of stdin) and then kills the whole group (`kill 0`); the shell then execs the
 * command itself, so its pid, exit code and signal are the command's. The command gets /dev/null
 * as stdin and never sees the pipe.
 */
const WATCHDOG = `exec 3<&0 0</dev/null
(read -r _ <&3; kill -KILL 0) >/dev/null 2>&1 &
exec "$@" 3<&-`;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
}

export function runProcess(options: ProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  return new Promise((resolvePromise) => {
    const child = spawn("/bin/sh", ["-c", WATCHDOG, "sh", options.command, ...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      // stdin is the watchdog's pipe: never written, closed by the kernel when the agent dies.
      stdio: ["pipe", "pipe", "pipe"],
    });
    child.stdin.on("error", () => {});
    const decoder = new TextDecoder();
    let output = "";
    let bytes = 0;
    let truncated = false;
    let timedOut = false;
    let cancelled = false;

    const onData = (chunk: Buffer) => {
      if (truncated) return;
      const room = options.maxOutputBytes - bytes;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      bytes += kept.length;
      const text = decoder.decode(kept, { stream: true });
      output += text;
      if (text !== "") options.onOutput(text);
      if (chunk.length > room) {
        // Endless output must not run forever once nobody will read it.
        truncated = true;
        killGroup(child.pid);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);

    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      killGroup(child.pid);
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener("abort", onAbort, { once: true });

    let done = false;
    const finish = (exitCode: number | null, signal: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
      resolvePromise({
        pid: child.pid,
        exitCode,
        signal,
        output: output + decoder.decode(),
        truncated,
        timedOut,
        cancelled,
        durationMs: Math.round(performance.now() - started),
      });
    };
    child.once("error", (error) => {
      output += `${error.message}\n`;
      finish(null, null);
    });
    // Background children (`cmd &`) keep the pipes open after the shell exits; the group goes
    // with the command, so they cannot hold the call open or outlive it.
    child.once("exit", () => killGroup(child.pid));
    child.once("close", (code, signal) => finish(code, signal));
  });
}
