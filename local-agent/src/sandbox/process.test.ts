// Proves: a command's output is capped (and endless output ends the command), a timeout and a
// cancel kill the whole process group — background children included, none left behind — and
// exit codes and stderr come back as they happened.
import { readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { type ProcessResult, runProcess } from "./process.ts";

function run(
  command: string,
  options: { timeoutMs?: number; maxOutputBytes?: number; signal?: AbortSignal; onOutput?: (chunk: string) => void } = {},
) {
  return runProcess({
    command: "bash",
    args: ["-c", command],
    cwd: tmpdir(),
    timeoutMs: options.timeoutMs ?? 10_000,
    maxOutputBytes: options.maxOutputBytes ?? 1024 * 1024,
    signal: options.signal ?? new AbortController().signal,
    onOutput: options.onOutput ?? (() => undefined),
  });
}

/**
 * Whether any process of the group is still running, from /proc. A killed process whose parent
 * died stays a zombie (state Z) until init reaps it, and some container inits never do, so
 * `kill(-pgid, 0)` alone would report a dead group as alive.
 */
function groupAlive(result: ProcessResult): boolean {
  if (result.pid === undefined) return false;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces, so split after its closing parenthesis.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === result.pid && state !== "Z" && state !== "X") return true;
  }
  return false;
}

/** The kernel closes a killed process's pipes a moment before it is marked dead: allow a second. */
async function expectGroupGone(result: ProcessResult): Promise<void> {
  for (let attempt = 0; attempt < 100 && groupAlive(result); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(groupAlive(result)).toBe(false);
}

describe("runProcess", () => {
  it("returns the exit code and merges stderr into the output", async () => {
    const result = await run("echo out; echo err >&2; exit 3");
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, cancelled: false, truncated: false });
    expect(result.output).toContain("out\n");
    expect(result.output).toContain("err\n");
  });

  it("caps the output and ends a command that would print forever", async () => {
    const result = await run("yes 'a line of output that never ends'", { maxOutputBytes: 64 * 1024 });
    expect(result.truncated).toBe(true);
    expect(Buffer.byteLength(result.output)).toBeLessThanOrEqual(64 * 1024);
    await expectGroupGone(result);
  });

  it("caps a 5 MiB burst at 1 MiB", async () => {
    const result = await run("head -c 5242880 /dev/zero | tr '\\0' 'x'");
    expect(result.truncated).toBe(true);
    expect(result.output.length).toBe(1024 * 1024);
  });

  it("kills the whole group at the timeout and leaves no process behind", async () => {
    const result = await run("sleep 30 & sleep 30 & wait", { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.durationMs).toBeLessThan(5000);
    await expectGroupGone(result);
  });

  it("does not wait for background children once the command itself has exited", async () => {
    const result = await run("sleep 30 & echo started", { timeoutMs: 20_000 });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(result.durationMs).toBeLessThan(5000);
    await expectGroupGone(result);
  });

  it("cancels mid-command: output so far is kept, the group is gone", async () => {
    const controller = new AbortController();
    const chunks: string[] = [];
    const result = await run("echo first; sleep 30; echo never", {
      signal: controller.signal,
      onOutput: (chunk) => {
        chunks.push(chunk);
        controller.abort();
      },
    });
    expect(result.cancelled).toBe(true);
    expect(chunks.join("")).toBe("first\n");
    expect(result.output).not.toContain("never");
    await expectGroupGone(result);
  });
});
