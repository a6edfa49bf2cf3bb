// Proves: `maestro-agent` installs on another machine with only Node. `npm pack` builds the bundle
// and packs only dist/ (no TypeScript), the tarball installs offline into an empty folder outside
// the repository (no runtime dependencies to fetch), and the installed command prints its help,
// refuses a token on the command line, and — under Node's permission model, allowed to read only
// that folder — connects to a Worker with the token from a 0600 file, registers, and runs grep on
// its bundled worker thread; and, with a config file, starts a stdio MCP server through the bundled
// MCP SDK and offers its tools.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { TunnelCallIdSchema } from "@maestro/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeWorker, startFakeWorker } from "./testing/fake-worker.ts";
import { type InstalledAgent, packAndInstall } from "./testing/pack.ts";

const run = promisify(execFile);
const TOKEN = "mae_agent_abcdefghijklmnopqrstuvwx";

let home: string;
let tarball: string;
let bin: string;
let cleanEnv: InstalledAgent["cleanEnv"];

beforeAll(async () => {
  home = realpathSync(mkdtempSync(join(tmpdir(), "agent-pack-")));
  ({ tarball, bin, cleanEnv } = await packAndInstall(home));
}, 60_000);

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

describe("the packed maestro-agent", () => {
  it("holds the bundle and its thread, no TypeScript and no dependencies", async () => {
    const listed = await run("tar", ["-tzf", tarball]);
    const files = listed.stdout.trim().split("\n").sort();
    expect(files).toEqual(
      expect.arrayContaining([
        "package/dist/maestro-agent.mjs",
        "package/dist/grep-thread.mjs",
        "package/package.json",
        "package/README.md",
      ]),
    );
    expect(files.filter((file) => !/^package\/(dist\/[\w-]+\.mjs|package\.json|README\.md)$/.test(file))).toEqual([]);
    const installed = join(home, "app", "node_modules");
    expect(readdirSync(installed).filter((name) => !name.startsWith("."))).toEqual(["@maestro"]);
  });

  it("prints its help from the installed bin", async () => {
    const { stdout } = await run(bin, ["--help"], { cwd: home, env: cleanEnv() });
    expect(stdout).toContain("Usage: maestro-agent");
    expect(stdout).toContain("--token-file");
  });

  it("refuses a token given on the command line, saying where to put it", async () => {
    const failed = await run(bin, ["--url", "http://127.0.0.1:9", "--root", home, "--token", TOKEN], { cwd: home, env: cleanEnv() }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain("--token is refused");
    expect(failed?.stderr).not.toContain(TOKEN);
  });

  describe("against a Worker", () => {
    let worker: FakeWorker;
    let agent: ChildProcess | undefined;
    let stderr = "";
    let mcpAgent: ChildProcess | undefined;

    beforeAll(async () => {
      worker = await startFakeWorker();
    });

    afterAll(async () => {
      agent?.kill("SIGKILL");
      mcpAgent?.kill("SIGKILL");
      await worker.close();
    });

    it("connects with the token from a 0600 file, registers, and greps on its bundled thread", async () => {
      const root = join(home, "project");
      mkdirSync(root);
      writeFileSync(join(root, "notes.txt"), "alpha\nneedle here\nomega\n");
      const tokenFile = join(home, "agent-token");
      writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
      // Allowed to read only the temporary folder: nothing from the repository can be loaded.
      // /proc too: the file tools check where each opened descriptor really is (/proc/self/fd).
      const permissions = ["--permission", `--allow-fs-read=${home}`, "--allow-fs-read=/proc", "--allow-worker"];
      agent = spawn(process.execPath, [...permissions, bin, "--url", worker.url, "--root", root, "--token-file", tokenFile], {
        cwd: home,
        env: cleanEnv(),
        stdio: "pipe",
      });
      agent.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      const server = await worker.connection(0, 20_000).catch((error: unknown) => {
        throw new Error(`${String(error)}\nagent stderr:\n${stderr}`);
      });
      expect(worker.attempts[0]?.authorization).toBe(`Bearer ${TOKEN}`);
      const register = await server.next("register");
      expect(register.roots).toEqual([root]);
      expect(register.tools.map((tool) => tool.name)).toContain("grep");

      const id = TunnelCallIdSchema.parse("call-pack-grep");
      server.send({ type: "call", id, tool: "grep", params: { pattern: "needle" }, cwd: null, deadline: Date.now() + 30_000 });
      const result = await server.next("result", 20_000);
      expect(result.outcome).toMatchObject({ ok: true, output: expect.stringContaining("notes.txt:2: needle here") });
      expect(stderr).not.toContain(TOKEN);
    }, 45_000);

    it("starts a stdio MCP server from its config file and offers its tools", async () => {
      // The MCP server is the user's own program; this one comes from the repository's dev dependencies.
      const everything = createRequire(import.meta.url).resolve("@modelcontextprotocol/server-everything/package.json");
      const config = join(home, "agent.json");
      writeFileSync(
        config,
        JSON.stringify({
          token: TOKEN,
          roots: [join(home, "project")],
          mcp: [{ name: "everything", command: process.execPath, args: [join(dirname(everything), "dist/index.js"), "stdio"] }],
        }),
      );
      chmodSync(config, 0o600);
      mcpAgent = spawn(bin, ["--url", worker.url, "--config", config], { cwd: home, env: cleanEnv(), stdio: "ignore" });
      const server = await worker.connection(1, 20_000);
      const register = await server.next("register", 20_000);
      expect(register.mcp.map((mcp) => mcp.name)).toEqual(["everything"]);
      expect(register.mcp[0]?.tools.map((tool) => tool.name)).toContain("echo");
    }, 45_000);
  });
});
