/**
 * workerd's memory and CPU, read from /proc: the `workerd` processes that descend from this one
 * (wrangler dev starts them). Linux only; elsewhere the numbers are missing.
 */
import { readFileSync, readdirSync, readlinkSync } from "node:fs";

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
  return descendantPids((_pid, stat) => stat.comm === "workerd");
}

/**
 * The pid of the local stack's own process (the embedded Postgres, its WebSocket proxy and the
 * Redis shim), when the stack runs in one (startLocalWorker's `stackProcess`).
 */
export function stackProcessPids(): number[] {
  return descendantPids((pid) => cmdlineOf(pid).includes("stack-process"));
}

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}

/** The processes under this one that `matches` picks. */
function descendantPids(matches: (pid: number, stat: Stat) => boolean): number[] {
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
  return [...stats].filter(([pid, stat]) => descends(pid) && matches(pid, stat)).map(([pid]) => pid);
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

/** The TCP ports a process listens on at 127.0.0.1 (its socket inodes matched in /proc/net/tcp). */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match !== null) inodes.add(match[1]!);
      } catch {
        // closed while we looked
      }
    }
  } catch {
    return [];
  }
  const ports: number[] = [];
  // sl local_address rem_address st … inode: 0100007F:PORT is 127.0.0.1, st 0A is LISTEN.
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[3] !== "0A" || !inodes.has(fields[9] ?? "")) continue;
    const [address, port] = (fields[1] ?? "").split(":");
    if (address === "0100007F") ports.push(Number.parseInt(port ?? "", 16));
  }
  return ports;
}

/**
 * `wrangler dev` runs two workerd processes: a proxy that listens on the port it prints and passes
 * every request and socket frame on (dev only: production has no such hop), and the one that runs
 * the Worker. Finds the latter and the port where it serves the Worker itself: the one port of
 * the other process where the Worker answers `serves` (The Maestro's health route by default; a
 * bench that runs two Workers tells them apart by it).
 */
export async function workerProcess(
  proxyOrigin: string,
  serves: (origin: string) => Promise<boolean> = servesTheMaestro,
): Promise<{ pid: number; origin: string; proxyPid: number | undefined } | undefined> {
  const pids = workerdPids();
  const proxyPort = Number(new URL(proxyOrigin).port);
  const proxyPid = pids.find((pid) => listeningPorts(pid).includes(proxyPort));
  for (const pid of pids) {
    if (pid === proxyPid) continue;
    for (const port of listeningPorts(pid)) {
      const origin = `http://127.0.0.1:${port}`;
      if (await serves(origin)) return { pid, origin, proxyPid };
    }
  }
  return undefined;
}

/** The Worker's own origin under `wrangler dev`, or the proxy's where it cannot be found. */
export async function workerOrigin(proxyOrigin: string): Promise<string> {
  return (await workerProcess(proxyOrigin))?.origin ?? proxyOrigin;
}

async function servesTheMaestro(origin: string): Promise<boolean> {
  const health = await fetch(`${origin}/api/v1/health`).then(
    async (response) => (response.ok ? ((await response.json()) as unknown) : undefined),
    () => undefined,
  );
  return typeof health === "object" && health !== null && "version" in health;
}
