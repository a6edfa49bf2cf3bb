/**
 * Children of `npm run dev`: each in its own process group (so a Ctrl-C in the terminal reaches
 * only the orchestrator, which stops them in order), output prefixed with its name. Every group
 * started here is remembered until it is seen empty, and killed synchronously when this process
 * exits for any reason, so a crash or a forced exit mid-shutdown leaves nothing running.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createInterface } from "node:readline";

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  /**
   * Signal the child (not its own children, so wrangler can shut workerd down itself) and wait
   * for it to exit, at most `graceMs`; then SIGKILL whatever is left of its group and wait until
   * the group is empty.
   */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /**
   * Signal the child's whole process group — the child and everything it started (wrangler's
   * workerd and esbuild) — and wait until none of them is left. SIGKILL is a crash: nothing
   * gets to clean up.
   */
  killGroup(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
}

/** Process groups started here and not yet seen empty. */
const liveGroups = new Set<number>();
let groupListener: ((pgid: number, alive: boolean) => void) | undefined;

/** Told of every group started and every group seen empty (the reaper keeps a copy: reaper.ts). */
export function onGroupChange(listener: (pgid: number, alive: boolean) => void): void {
  groupListener = listener;
  for (const pgid of liveGroups) listener(pgid, true);
}

function trackGroup(pgid: number, alive: boolean): void {
  if (alive) liveGroups.add(pgid);
  else liveGroups.delete(pgid);
  groupListener?.(pgid, alive);
}

/** SIGKILL every group started here that may still have members: the last resort on exit. */
export function killAllGroupsNow(): void {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // ESRCH: already gone.
    }
  }
  liveGroups.clear();
}
process.on("exit", killAllGroupsNow);

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
  /** `keepStdinOpen` gives the child a pipe that closes only when this process is gone (stack-process.ts stops then). */
  options: {
    cwd: string;
    env?: NodeJS.ProcessEnv;
    onLine?: (line: string) => void;
    show?: (line: string) => boolean;
    keepStdinOpen?: boolean;
  },
): Child {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: [options.keepStdinOpen === true ? "pipe" : "ignore", "pipe", "pipe"],
    detached: true,
  });
  const pgid = child.pid;
  if (pgid !== undefined) trackGroup(pgid, true);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue; // never: both are pipes (the type follows stdin's choice)
    createInterface({ input: stream }).on("line", (line) => {
      if (line.trim().length > 0 && (options.show?.(line) ?? true)) process.stdout.write(`[${name}] ${line}\n`);
      options.onLine?.(line);
    });
  }
  const killGroup = async (signal: NodeJS.Signals = "SIGKILL", timeoutMs = 10_000) => {
    if (pgid === undefined) return;
    try {
      process.kill(-pgid, signal);
    } catch {
      trackGroup(pgid, false);
      return; // ESRCH: the whole group is gone already.
    }
    if (child.exitCode === null && child.signalCode === null) await exited;
    const deadline = Date.now() + timeoutMs;
    while (groupAlive(pgid)) {
      if (Date.now() > deadline) throw new Error(`${name}: processes of group ${pgid} still running after ${signal}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    trackGroup(pgid, false);
  };
  return {
    name,
    process: child,
    exited,
    stop: async (signal = "SIGINT", graceMs = 10_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
      }
      await killGroup("SIGKILL");
    },
    killGroup,
  };
}
