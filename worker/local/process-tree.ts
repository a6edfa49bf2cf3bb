/**
 * The processes a command started, read from /proc (Linux): everything below a pid by parent,
 * plus whatever shares a process group or session with one of those, which catches a child
 * whose parent has exited (reparented to init) and still runs in the group it was started in.
 * For tests that check that stopping a program leaves nothing behind.
 */
import { readFileSync, readdirSync } from "node:fs";

interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly sid: number;
  readonly state: string;
  /** Clock ticks after boot: tells a pid apart from a later process that reuses the number. */
  readonly start: string;
  readonly command: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // pid (comm) state ppid pgrp session …; comm may hold spaces and ")", so split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
    return {
      pid,
      state: fields[0] ?? "",
      ppid: Number(fields[1]),
      pgid: Number(fields[2]),
      sid: Number(fields[3]),
      start: fields[19] ?? "",
      command,
    };
  } catch {
    return undefined; // exited while we looked
  }
}

function allProcesses(): ProcessInfo[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProcess(Number(entry)))
    .filter((info): info is ProcessInfo => info !== undefined);
}

/** A growing record of the processes below one root, added to by each `snapshot()`. */
export class ProcessTree {
  readonly seen = new Map<number, ProcessInfo>();
  private readonly root: number;

  constructor(root: number) {
    this.root = root;
  }

  snapshot(): void {
    const table = allProcesses();
    const ours = new Set([this.root, ...this.seen.keys()]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const info of table) {
        if (ours.has(info.pid)) continue;
        if (ours.has(info.ppid) || ours.has(info.pgid) || ours.has(info.sid)) {
          ours.add(info.pid);
          grew = true;
        }
      }
    }
    for (const info of table) if (ours.has(info.pid) && !this.seen.has(info.pid)) this.seen.set(info.pid, info);
  }

  /** Those seen that still run (the same process, not a zombie waiting to be reaped). */
  alive(): ProcessInfo[] {
    return [...this.seen.values()].filter((info) => {
      const now = readProcess(info.pid);
      return now !== undefined && now.start === info.start && now.state !== "Z";
    });
  }
}
