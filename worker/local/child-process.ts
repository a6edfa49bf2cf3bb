/**
 * Children of `npm run dev`: each in its own process group (so a Ctrl-C in the terminal reaches
 * only the orchestrator, which stops them in order), output prefixed with its name.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createInterface } from "node:readline";

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Signal the child (not its own children) and wait for it to exit. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /**
   * Signal the child's whole process group — the child and everything it started (wrangler's
   * workerd and esbuild) — and wait until none of them is left. SIGKILL is a crash: nothing
   * gets to clean up.
   */
  killGroup(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

/** Members of a process group that are still running (not zombies); from /proc where there is one. */
function groupAlive(pgid: number): boolean {
  if (existsSync("/proc/self/stat")) {
    return readdirSync("/proc").some((entry) => {
      if (!/^\d+$/.test(entry)) return false;
      try {
        // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so read after the last ")".
        const fields = readFileSync(`/proc/${entry}/stat`, "utf8").split(")").at(-1)?.trim().split(" ") ?? [];
        return fields[0] !== "Z" && Number(fields[2]) === pgid;
      } catch {
        return false; // exited while we looked
      }
    });
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export function startChild(
  name: string,
  command: string,
  args: string[],
  /** `onLine` also hands each line of output (stdout and stderr) to the caller, e.g. a test reading logs. */
  /** `show` decides which lines reach the terminal (all when absent). */
  options: { cwd: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void; show?: (line: string) => boolean },
): Child {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      if (line.trim().length > 0 && (options.show?.(line) ?? true)) process.stdout.write(`[${name}] ${line}\n`);
      options.onLine?.(line);
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
    killGroup: async (signal = "SIGKILL", timeoutMs = 10_000) => {
      const pgid = child.pid;
      if (pgid === undefined) return;
      try {
        process.kill(-pgid, signal);
      } catch {
        return; // ESRCH: the whole group is gone already.
      }
      if (child.exitCode === null && child.signalCode === null) await exited;
      const deadline = Date.now() + timeoutMs;
      while (groupAlive(pgid)) {
        if (Date.now() > deadline) throw new Error(`${name}: processes of group ${pgid} still running after ${signal}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
