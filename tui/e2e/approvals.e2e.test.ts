// Proves, as a user runs it against `npm run dev -- --demo` (whose tools run on a real
// maestro-agent through the tunnel): while `maestro send` waits on a command's approval,
// `maestro approvals` in another terminal lists it with its session, tool and command, and
// `maestro approvals approve 1` answers it, so the command runs on the agent and the turn ends;
// after that nothing is listed.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";
import { MAESTRO, buildMaestro, runMaestro } from "./terminal.ts";

let server: DevServer;
let home: string;

const maestro = (args: string[], input?: string) => runMaestro(home, args, input);

beforeAll(async () => {
  await buildMaestro();
  home = await mkdtemp(join(tmpdir(), "maestro-tui-approvals-"));
  server = await startDevServer();
});

afterAll(async () => {
  await server?.stop();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

describe("maestro approvals", () => {
  it("lists a waiting command from another terminal and approves it by number", async () => {
    await maestro(["login", server.origin], `${server.token}\n`);
    const created = await maestro([
      "new",
      "--credential",
      "Demo (simulated, no real model): anthropic",
      "--model",
      "claude-sonnet-4-5",
      "--title",
      "tui approvals",
    ]);
    const sessionId = created.stdout.trim();

    // `maestro send` blocks on the question, as a script would.
    const sending = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [MAESTRO, "send", sessionId, "run a command"],
        { env: { ...process.env, XDG_CONFIG_HOME: home } },
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : (error.code as number | null), stdout, stderr }),
      );
      child.stdin?.end();
    });

    let listed = "";
    for (const deadline = Date.now() + 15_000; Date.now() < deadline && !listed.includes("tui approvals");) {
      listed = (await maestro(["approvals"])).stdout;
      if (!listed.includes("tui approvals")) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // The machine is the demo's agent, by the name it registered with.
    expect(listed).toMatch(/^1\s+tui approvals\s+run_shell_command\s+ls -la\s+This machine \(npm run dev\)\s+\d+s ago\s+toolu_\S+$/m);

    const answered = await maestro(["approvals", "approve", "1"]);
    expect(answered.stdout).toContain("Approved: run_shell_command ls -la (tui approvals)");
    const sent = await sending;
    expect(sent.code, sent.stderr).toBe(0);
    // The command ran on the demo's agent: its result came back through the tunnel.
    expect(sent.stderr).toMatch(/\[tool run_shell_command\] ok \(\d+ ms\)/);
    const after = await maestro(["approvals"]);
    expect(after.stdout).toBe("");
    expect(after.stderr).toBe("Nothing is waiting for your approval.\n");
  });
});
