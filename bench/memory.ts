/**
 * Where a workerd's resident memory is, from /proc (Linux only): anonymous vs file-backed pages
 * (smaps_rollup), open files by kind (the Durable Objects' SQLite databases and their WAL/SHM,
 * sockets), and the size of the state folder on disk. For issue 15 goal 4: what each session
 * object costs natively and whether it is given back.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";

/** smaps_rollup fields, MB. */
export function smapsMb(pid: number): Record<string, number> {
  const fields: Record<string, number> = {};
  try {
    for (const line of readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").split("\n")) {
      const match = /^(\w+):\s+(\d+) kB/.exec(line);
      if (match !== null) fields[match[1]!] = Number(match[2]) / 1024;
    }
  } catch {
    // exited
  }
  return fields;
}

/** Open file descriptors by kind: sqlite databases, their -wal / -shm, sockets, other. */
export function openFiles(pid: number): Record<string, number> {
  const counts: Record<string, number> = { sqlite: 0, wal: 0, shm: 0, socket: 0, other: 0 };
  let entries: string[];
  try {
    entries = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return counts;
  }
  for (const fd of entries) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (target.endsWith("-wal")) counts.wal! += 1;
    else if (target.endsWith("-shm")) counts.shm! += 1;
    else if (target.endsWith(".sqlite")) counts.sqlite! += 1;
    else if (target.startsWith("socket:")) counts.socket! += 1;
    else counts.other! += 1;
  }
  return counts;
}

/** Bytes under a folder (the Durable Objects' databases), MB. */
export function folderMb(path: string): number {
  let bytes = 0;
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      try {
        const stat = statSync(full);
        if (stat.isDirectory()) walk(full);
        else bytes += stat.size;
      } catch {
        // removed meanwhile
      }
    }
  };
  walk(path);
  return bytes / 1048576;
}

/** One line: RSS split into anonymous and file-backed, and the open files. */
export function memoryLine(pid: number): string {
  const smaps = smapsMb(pid);
  const files = openFiles(pid);
  const mb = (value: number | undefined) => (value ?? 0).toFixed(0);
  return (
    `rss ${mb(smaps.Rss)} MB (anon ${mb(smaps.Anonymous)}, file ${mb((smaps.Rss ?? 0) - (smaps.Anonymous ?? 0))}, ` +
    `shmem ${mb(smaps.Shared_Dirty)}) fds: ${Object.entries(files)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(", ")}\n      tcp ${socketsByPeer(pid)}`
  );
}

const PROPERTIES = [
  "generic.current_allocated_bytes",
  "generic.heap_size",
  "tcmalloc.pageheap_free_bytes",
  "tcmalloc.pageheap_unmapped_bytes",
] as const;

/**
 * What workerd's allocator (tcmalloc, linked into the binary) says, read with gdb (attached for a
 * moment, at an idle point): bytes the program holds, bytes tcmalloc has from the system, bytes
 * it keeps free in its page heap. With `release`, tcmalloc is first asked to give every free page
 * back (MallocExtension::ReleaseMemoryToSystem) — what is left in RSS then is not the allocator's.
 */
export function tcmallocMb(pid: number, release = false): Record<string, number> | undefined {
  const args = ["-p", String(pid), "-batch", "-nx", "-ex", "set $v = (unsigned long*)malloc(8)"];
  if (release) args.push("-ex", "call (void)MallocExtension_Internal_ReleaseMemoryToSystem(0xffffffffffff)");
  for (const name of PROPERTIES)
    // `set`, not `call`: the bool result would print too (as garbage-filled int, sometimes negative).
    args.push("-ex", `set $ok = (int)MallocExtension_Internal_GetNumericProperty("${name}", ${name.length}, $v)`, "-ex", "p *$v");
  args.push("-ex", "call (void)free($v)", "-ex", "detach");
  let output: string;
  try {
    output = execFileSync("gdb", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 180_000 });
  } catch {
    return undefined;
  }
  // Each "$n = value" line is a property's value, in order.
  const read = [...output.matchAll(/^\$\d+ = (\d+)$/gm)].map((match) => Number(match[1]));
  if (read.length !== PROPERTIES.length) return undefined;
  return Object.fromEntries(PROPERTIES.map((name, index) => [name.split(".")[1]!, read[index]! / 1048576]));
}

/** This process's TCP connections by the local port they reach (the stack's servers), busiest first. */
export function socketsByPeer(pid: number): string {
  let lines: string[];
  try {
    lines = execFileSync("ss", ["-tnpH"], { encoding: "utf8" }).split("\n");
  } catch {
    return "";
  }
  const byPort = new Map<string, number>();
  for (const line of lines) {
    if (!line.includes(`pid=${pid},`)) continue;
    const [, , , local = "", peer = ""] = line.trim().split(/\s+/);
    const localPort = local.split(":").at(-1) ?? "";
    const peerPort = peer.split(":").at(-1) ?? "";
    // A connection into workerd is named by its own port, one out of it by the port it reaches.
    const key = Number(localPort) < Number(peerPort) ? `in:${localPort}` : `out:${peerPort}`;
    byPort.set(key, (byPort.get(key) ?? 0) + 1);
  }
  return [...byPort]
    .sort((a, b) => b[1] - a[1])
    .map(([port, count]) => `${port} ${count}`)
    .join(", ");
}

/** tcmalloc's own report (TCMalloc_Internal_GetStats) written to `file`, read with gdb. */
export function dumpTcmallocStats(pid: number, file: string): void {
  const size = 1 << 20;
  execFileSync(
    "gdb",
    [
      "-p",
      String(pid),
      "-batch",
      "-nx",
      "-ex",
      `set $b = (char*)malloc(${size})`,
      "-ex",
      `set $n = (int)TCMalloc_Internal_GetStats($b, ${size})`,
      "-ex",
      `dump binary memory ${file} $b $b+($n < ${size} ? $n : ${size})`,
      "-ex",
      "call (void)free($b)",
      "-ex",
      "detach",
    ],
    { stdio: "ignore", timeout: 180_000 },
  );
}
