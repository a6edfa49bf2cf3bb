// Proves, on real workerd (`wrangler dev`): once a session's turn has ended and it sits idle, its
// object is let go — its SQLite database is closed, so its page cache, its Postgres connections
// and its in-memory copies are gone — while a client's socket stays open (hibernation), and the
// next frame on that same socket wakes it and numbering carries on without a gap. Nothing the
// session keeps (timers, pending promises, alarms, database pool) pins it in memory (issue 15
// goal 4). Linux only: which databases workerd holds open is read from /proc.
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { type SessionToClient, SessionToClientSchema, decodeFrame, encodeFrame } from "@maestro/protocol";
import { afterAll, beforeAll, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type LocalWorker, scriptedSessionOn, startLocalWorker } from "../../local/local-worker.ts";

let worker: LocalWorker;

beforeAll(async () => {
  worker = await startLocalWorker({ name: "idle-release", showWorkerLine: () => false });
});

afterAll(async () => {
  await worker.stop();
});

/** The session objects' database files that the workerd processes under this one hold open. */
function openSessionDatabases(): Set<string> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited
    }
  }
  const mine = (pid: number) => {
    for (let at = parents.get(pid); at !== undefined && at > 1; at = parents.get(at)) if (at === process.pid) return true;
    return false;
  };
  const open = new Set<string>();
  for (const pid of [...parents.keys()].filter(mine)) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (/-SessionDO\/[0-9a-f]{64}\.sqlite$/.test(target)) open.add(target);
      } catch {
        // closed meanwhile
      }
    }
  }
  return open;
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((resolve) => setTimeout(resolve, 500)))
    if (check()) return true;
  return check();
}

it("lets an idle session's object go with its socket still open, and the same socket wakes it", { timeout: 150_000 }, async () => {
  const answer = { steps: [{ kind: "text" as const, text: "An answer of a few words." }] };
  const { session } = await scriptedSessionOn(worker, [answer, answer]);
  const socket = new WebSocket(`${worker.origin.replace("http", "ws")}/api/v1/sessions/${session.id}/socket`, {
    headers: { authorization: `Bearer ${worker.token}` },
  });
  const frames: SessionToClient[] = [];
  let closed = false;
  socket.on("message", (data: Buffer) => {
    const decoded = decodeFrame(SessionToClientSchema, data.toString("utf8"));
    if (decoded.ok) frames.push(decoded.value);
  });
  socket.on("close", () => (closed = true));
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  const ends = () => frames.filter((frame) => frame.type === "turn_end").length;
  socket.send(encodeFrame({ type: "hello", protocol_version: 1, client: "web" }));
  expect(await until(() => frames.some((frame) => frame.type === "snapshot"), 30_000)).toBe(true);
  socket.send(encodeFrame({ type: "send", text: "first" }));
  expect(await until(() => ends() === 1, 30_000)).toBe(true);
  expect([...openSessionDatabases()]).toHaveLength(1);

  // Idle, one client still connected: workerd hibernates the object (10 s without work, then its
  // next sweep) unless something of ours keeps it busy.
  expect(await until(() => openSessionDatabases().size === 0, 90_000)).toBe(true);
  expect(closed).toBe(false);
  const seqs = () => frames.flatMap((frame) => ("seq" in frame && typeof frame.seq === "number" ? [frame.seq] : []));
  const lastBefore = Math.max(...seqs());

  socket.send(encodeFrame({ type: "send", text: "second" }));
  expect(await until(() => ends() === 2, 30_000)).toBe(true);
  const after = seqs().filter((seq) => seq > lastBefore);
  expect(after[0]).toBe(lastBefore + 1);
  expect(after).toEqual(after.map((_, index) => lastBefore + 1 + index));
  expect(openSessionDatabases().size).toBe(1);
  socket.close();
});
