// Proves: under bubblewrap, run_shell_command and execute_code can write inside the roots and
// nowhere else, cannot read the secrets folders (~/.ssh and the like, even when the home folder is
// inside a root), reach no network with `--network off`, and die with their timeout; and that an
// agent without a sandbox says so. On Linux these tests need bwrap: without it they fail, saying
// to install bubblewrap, instead of being skipped.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runTool } from "../tools/registry.ts";
import type { ToolContext } from "../tools/tool.ts";
import { type CommandSandbox, bwrapArgs, detectSandbox } from "./os-sandbox.ts";
import { Roots } from "./roots.ts";

let root: string;
let home: string;
let roots: Roots;

function sandboxed(options: { network: boolean }): CommandSandbox {
  const sandbox = detectSandbox({ network: options.network, home });
  if (sandbox.mode !== "bwrap")
    throw new Error(
      `these tests need bubblewrap: install it (apt-get install -y bubblewrap). The agent found: ${sandbox.reason ?? sandbox.mode}`,
    );
  return sandbox;
}

/** Processes whose command line contains `marker` (not zombies). */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
      if (state !== "Z" && state !== "X" && readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(marker)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

function context(sandbox: CommandSandbox): ToolContext {
  return { roots, cwd: null, signal: new AbortController().signal, onProgress: () => {}, sandbox };
}

async function shell(command: string, sandbox = sandboxed({ network: true })): Promise<string> {
  const outcome = await runTool("run_shell_command", { command }, context(sandbox));
  if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
  return outcome.output;
}

beforeEach(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "os-sandbox-")));
  // A home folder inside the root, with secrets in it: they must be hidden all the same.
  home = join(root, "home");
  mkdirSync(join(home, ".ssh"), { recursive: true });
  writeFileSync(join(home, ".ssh", "id_ed25519"), "PRIVATE KEY\n");
  mkdirSync(join(home, ".aws"));
  writeFileSync(join(home, ".aws", "credentials"), "aws_secret_access_key=x\n");
  writeFileSync(join(home, ".netrc"), "machine example.com password hunter2\n");
  writeFileSync(join(home, "notes.txt"), "not a secret\n");
  roots = await Roots.create([root]);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe.runIf(process.platform === "linux")("commands under bubblewrap", () => {
  it("writes inside the roots", async () => {
    expect(await shell("echo made > made.txt && cat made.txt")).toBe("made\n[exit code 0]");
    expect(existsSync(join(root, "made.txt"))).toBe(true);
  });

  it("cannot write outside the roots: the rest of the file system is read-only", async () => {
    const outside = join(homedir(), `.maestro-sandbox-test-${process.pid}`);
    const output = await shell(`echo x > ${outside}; echo x > /etc/maestro-sandbox-test; echo done`);
    expect(output).toMatch(/Read-only file system[\s\S]*Read-only file system[\s\S]*done/);
    expect(existsSync(outside)).toBe(false);
    expect(existsSync("/etc/maestro-sandbox-test")).toBe(false);
  });

  it("has a private /tmp: what a command writes there does not reach the machine's", async () => {
    const name = `maestro-sandbox-tmp-${process.pid}`;
    expect(await shell(`echo x > /tmp/${name} && cat /tmp/${name}`)).toBe("x\n[exit code 0]");
    expect(existsSync(join("/tmp", name))).toBe(false);
  });

  it("cannot read ~/.ssh, ~/.aws or ~/.netrc, even with the home folder inside a root", async () => {
    const output = await shell(
      `ls -A ${home}/.ssh ${home}/.aws; cat ${home}/.ssh/id_ed25519 ${home}/.aws/credentials ${home}/.netrc; cat ${home}/notes.txt`,
    );
    expect(output).not.toContain("PRIVATE KEY");
    expect(output).not.toContain("aws_secret_access_key");
    expect(output).toMatch(/id_ed25519: No such file or directory/);
    expect(output).not.toContain("hunter2");
    expect(output).toContain("not a secret\n");
    // Hidden from commands only: the files themselves are untouched.
    expect(existsSync(join(home, ".ssh", "id_ed25519"))).toBe(true);
  });

  it("runs execute_code snippets (their temporary file is let through)", async () => {
    const outcome = await runTool("execute_code", { language: "python", code: "print(6 * 7)" }, context(sandboxed({ network: true })));
    expect(outcome).toMatchObject({ ok: true, output: "42\n[exit code 0]" });
  });

  describe("network", () => {
    let server: Server;
    let port: number;
    beforeEach(async () => {
      server = createServer((socket) => socket.end("hello\n"));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as { port: number }).port;
    });
    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const connect = () => `exec 3<>/dev/tcp/127.0.0.1/${port} && head -1 <&3 || echo unreachable`;

    it("reaches the network when allowed", async () => {
      expect(await shell(connect(), sandboxed({ network: true }))).toContain("hello");
    });

    it("reaches no network with --network off", async () => {
      const output = await shell(connect(), sandboxed({ network: false }));
      expect(output).toContain("unreachable");
      expect(output).not.toContain("hello");
    });
  });

  it("dies with its timeout, the whole tree inside the sandbox", async () => {
    const marker = `sleep 30.${process.pid}`;
    const outcome = await runTool(
      "run_shell_command",
      { command: `sh -c '${marker} & wait'`, timeout_ms: 1000 },
      context(sandboxed({ network: true })),
    );
    expect(outcome).toMatchObject({ ok: false, code: "TIMEOUT" });
    for (let attempt = 0; attempt < 100 && processesWith(marker).length > 0; attempt += 1)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(processesWith(marker)).toEqual([]);
  });

  it("does not hand the agent's token to commands", async () => {
    const saved = process.env.MAESTRO_AGENT_TOKEN;
    process.env.MAESTRO_AGENT_TOKEN = "mae_agent_secret_for_this_test";
    try {
      expect(await shell('echo "${MAESTRO_AGENT_TOKEN:-unset}"')).toBe("unset\n[exit code 0]");
    } finally {
      if (saved === undefined) delete process.env.MAESTRO_AGENT_TOKEN;
      else process.env.MAESTRO_AGENT_TOKEN = saved;
    }
  });
});

describe("bwrap's mounts", () => {
  const place = { writable: ["/home/dev/project"], cwd: "/home/dev/project" };

  it("shows the agent's own Node again over the private /tmp when it lives there (a checkout in /tmp)", () => {
    const args = bwrapArgs(place, { network: true, home: "/nonexistent-home", runtime: "/tmp/clean/node_modules/node/bin" });
    const tmpfs = args.indexOf("/tmp", args.indexOf("--tmpfs"));
    const runtime = args.indexOf("/tmp/clean/node_modules/node/bin");
    expect(args.slice(runtime - 1, runtime + 2)).toEqual([
      "--ro-bind",
      "/tmp/clean/node_modules/node/bin",
      "/tmp/clean/node_modules/node/bin",
    ]);
    expect(runtime).toBeGreaterThan(tmpfs);
  });

  it("adds nothing for a Node outside /tmp", () => {
    const args = bwrapArgs(place, { network: true, home: "/nonexistent-home", runtime: "/usr/local/bin" });
    expect(args).not.toContain("/usr/local/bin");
  });
});

describe("without a sandbox", () => {
  it("says commands are not sandboxed, and why", () => {
    const sandbox = detectSandbox({ network: false, platform: "freebsd", home });
    expect(sandbox).toMatchObject({ mode: "none", network: true, reason: "no command sandbox on freebsd" });
    expect(sandbox.wrap("bash", ["-c", "true"], { writable: [root], cwd: root })).toEqual({ command: "bash", args: ["-c", "true"] });
  });
});
