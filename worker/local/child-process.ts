/**
 * Children of `npm run dev`: each in its own process group (so a Ctrl-C in the terminal reaches
 * only the orchestrator, which stops them in order), output prefixed with its name.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Signal the child (not its own children) and wait for it to exit. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export function startChild(name: string, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Child {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      if (line.trim().length > 0) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  return {
    name,
    process: child,
    exited,
    stop: async (signal = "SIGINT", graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => {
        // Still there after the grace period: take the whole group down.
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
