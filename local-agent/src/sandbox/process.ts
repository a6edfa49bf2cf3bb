/**
 * Running a command for a tool: its own process group (so a kill reaches every child it forked),
 * stdout and stderr merged in arrival order and streamed, output capped, and the whole group
 * killed on timeout, on cancel, or when the cap is hit. Resolves only after the process closed.
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
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
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
