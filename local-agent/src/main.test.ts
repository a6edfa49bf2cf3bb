// Proves: the `maestro-agent` command, run as a user runs it (its bin, in its own process),
// stops and exits non-zero, saying why, when the Worker refuses its token at the upgrade (401),
// closes the tunnel because the token was revoked (4001), or because another agent with the same
// token took it over (4000), instead of retrying forever.
import { spawn } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeWorker, startFakeWorker } from "./testing/fake-worker.ts";

const BIN = fileURLToPath(new URL("../bin/maestro-agent.mjs", import.meta.url));
const TOKEN = "mae_agent_abcdefghijklmnopqrstuvwx";

let worker: FakeWorker;
let root: string;

/** Runs the agent until it exits on its own (killed after `timeoutMs` if it does not). */
function runAgent(timeoutMs = 15_000): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, MAESTRO_AGENT_TOKEN: TOKEN };
  delete env.MAESTRO_URL;
  const child = spawn(process.execPath, [BIN, "--url", worker.url, "--root", root], { env, stdio: "pipe" });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

beforeEach(async () => {
  worker = await startFakeWorker();
  root = realpathSync(mkdtempSync(join(tmpdir(), "agent-main-")));
});

afterEach(async () => {
  await worker.close();
  rmSync(root, { recursive: true, force: true });
});

describe("maestro-agent", () => {
  it("exits 1 when the Worker refuses its token", async () => {
    worker.refuseWith(401);
    const { code, stderr } = await runAgent();
    expect(code).toBe(1);
    expect(stderr).toContain("refused the agent token");
    expect(stderr).not.toContain(TOKEN);
    expect(worker.attempts).toHaveLength(1);
  });

  it("exits 1 when the Worker closes the tunnel because the token was revoked", async () => {
    const exited = runAgent();
    const server = await worker.connection(0, 10_000);
    await server.next("register", 10_000);
    server.close(4001, "agent token revoked");
    const { code, stderr } = await exited;
    expect(code).toBe(1);
    expect(stderr).toContain("the agent token was revoked");
  });

  it("exits 1, naming the cause, when another agent with the same token takes the tunnel over", async () => {
    const exited = runAgent();
    const server = await worker.connection(0, 10_000);
    await server.next("register", 10_000);
    server.close(4000, "replaced by a newer connection");
    const { code, stderr } = await exited;
    expect(code).toBe(1);
    expect(stderr).toContain("another maestro-agent connected with the same agent token");
    expect(worker.attempts).toHaveLength(1);
  });
});
