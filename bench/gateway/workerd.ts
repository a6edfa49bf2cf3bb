/**
 * workerd's memory and CPU, read from /proc: the `workerd` processes that descend from this one
 * (wrangler dev starts them). Linux only; elsewhere the numbers are missing.
 */
import { readFileSync, readdirSync } from "node:fs";

interface Stat {
  readonly comm: string;
  readonly ppid: number;
  /** utime + stime, clock ticks. */
  readonly cpuTicks: number;
}

function statOf(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // pid (comm) state ppid …; comm may hold spaces and parentheses, so split after the last ")".
    const comm = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { comm, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // gone while we looked
  }
}

/** The pids of the workerd processes under this process. */
export function workerdPids(): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  const stats = new Map<number, Stat>();
  for (const entry of entries) {
    const stat = statOf(Number(entry));
    if (stat !== undefined) stats.set(Number(entry), stat);
  }
  const descends = (pid: number): boolean => {
    for (let at = stats.get(pid)?.ppid; at !== undefined && at > 1; at = stats.get(at)?.ppid) if (at === process.pid) return true;
    return false;
  };
  return [...stats].filter(([pid, stat]) => stat.comm === "workerd" && descends(pid)).map(([pid]) => pid);
}

/** Resident memory of these processes together, MB. */
export function rssMb(pids: readonly number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      kb += Number(match?.[1] ?? 0);
    } catch {
      // exited
    }
  }
  return kb / 1024;
}

/** CPU time these processes have used so far, ms (clock ticks are 10 ms on Linux: USER_HZ 100). */
export function cpuMs(pids: readonly number[]): number {
  return pids.reduce((total, pid) => total + (statOf(pid)?.cpuTicks ?? 0) * 10, 0);
}

/** Samples RSS every `everyMs` until stopped; resolves to the peak. */
export function peakRss(pids: readonly number[], everyMs = 200): { stop: () => number } {
  let peak = rssMb(pids);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pids))), everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, rssMb(pids));
    },
  };
}
