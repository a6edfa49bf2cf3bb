/**
 * A last resort for `npm run dev`, and for the tests and benchmarks that start a local stack
 * (local-worker.ts): a tiny detached process that holds a copy of the process groups this process
 * started and SIGKILLs them the moment it is gone, however it went (a SIGKILL, an out-of-memory
 * kill, a test runner killed at its time limit: cases where the exit hook cannot run). It hears of groups on its
 * stdin ("+pgid" / "-pgid"), and dev.ts going away closes that pipe. It lives in its own session
 * and ignores SIGINT and SIGHUP, so a Ctrl-C or a closed terminal does not take it away before
 * dev.ts has finished with it.
 */
import { spawn } from "node:child_process";
import { onGroupChange } from "./child-process.ts";

const SCRIPT = `
process.on("SIGINT", () => {});
process.on("SIGHUP", () => {});
const groups = new Set();
let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  const lines = (pending + chunk).split("\\n");
  pending = lines.pop();
  for (const line of lines) {
    const pgid = Number(line.slice(1));
    if (line[0] === "+") groups.add(pgid);
    else groups.delete(pgid);
  }
});
process.stdin.on("close", () => {
  for (const pgid of groups) {
    try { process.kill(-pgid, "SIGKILL"); } catch {}
  }
  process.exit(0);
});
`;

let started = false;

/** Starts the reaper once per process; later calls do nothing. */
export function startReaper(): void {
  if (started) return;
  started = true;
  const reaper = spawn(process.execPath, ["-e", SCRIPT], { stdio: ["pipe", "ignore", "ignore"], detached: true });
  const input = reaper.stdin;
  // dev.ts must be able to exit while the reaper waits: neither the process nor its pipe holds it.
  reaper.unref();
  (input as unknown as { unref?: () => void }).unref?.();
  input.on("error", () => undefined); // the reaper gone first: nothing left to tell it
  onGroupChange((pgid, alive) => {
    input.write(`${alive ? "+" : "-"}${pgid}\n`);
  });
}
