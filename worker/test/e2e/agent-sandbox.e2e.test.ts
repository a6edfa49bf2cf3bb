// Proves, through the tunnel (simulated model → session DO → AgentDO → real `maestro-agent`
// process → back), on one `wrangler dev` local Worker, the agent's guarantees of issue 14:
// §1 a process swapping a folder for a symlink to an outside folder, a file for a symlink to an
//    outside file, and planting a symlink at a new file's path, while the model reads, writes,
//    edits, lists, globs and greps 320 times: nothing outside is read or written; a hard link to
//    an outside file is refused for write and edit (FILE_HARD_LINKED).
// §2 under bubblewrap (required on Linux, as in local-agent's os-sandbox.test.ts: without it the
//    test fails, saying to install it): a command or a code snippet writing outside the roots
//    fails, `cat ~/.ssh/…` finds nothing, `--network off` cuts even loopback; GET /agents reports
//    the sandbox the agent registered.
// §3 a command started through the tunnel dies with its SIGKILLed agent (the file it would write
//    after its sleep never appears), and the session's call ends AGENT_RESTARTED when the agent
//    comes back (the command was handed over, so it is not run again).
// §4 the deny list: .dev.vars, .env, id_ed25519 and .ssh/config under a root are PATH_DENIED
//    naming the rule, hidden from list and grep; and an agent started as `npm run dev -- --demo`
//    starts it (rooted at this repository) cannot read the repository's own .dev.vars.
// §8 the packed agent, installed from its tarball into an empty folder, connects to the local
//    Worker with its token from the environment and serves a read_file to the model.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { AgentId, CreateSessionBody } from "@maestro/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkSwapperScript } from "../../../local-agent/src/testing/link-swapper.ts";
import { packAndInstall } from "../../../local-agent/src/testing/pack.ts";
import { type Child, startChild } from "../../local/child-process.ts";
import { startDevAgent } from "../../local/dev-agent.ts";
import { ensureDevVars } from "../../local/dev-vars.ts";
import { type LocalWorker, scriptedSessionOn, startLocalWorker } from "../../local/local-worker.ts";
import { REPO_ROOT } from "../../local/wrangler.ts";
import type { TurnInput } from "../simulators/script.ts";
import { type Watcher, call, calls, events, results, resultsById, registered, say, waitForAgent, watch } from "./tunnel-session.ts";

const AGENT_BIN = join(REPO_ROOT, "local-agent/bin/maestro-agent.mjs");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let worker: LocalWorker;
let base: string;
/** The main agent's root. */
let project: string;
/** Outside every root: nothing here may be read or changed. */
let outside: string;
/**
 * The main agent's home folder, with secrets in it: inside its root, as in os-sandbox.test.ts, so
 * that only the sandbox's hiding (not its private /tmp) keeps them from commands.
 */
let home: string;
let mainAgent: Child;
let mainAgentId: AgentId;

/** A session on a scripted model that plays `turns`, and a web client watching it run one message. */
async function runTurn(turns: TurnInput[], extra: Partial<CreateSessionBody>, timeoutMs = 60_000): Promise<Watcher> {
  const { session } = await scriptedSessionOn(worker, turns, extra);
  const web = await watch(worker, session.id);
  web.send({ type: "send", text: "go" });
  expect((await web.turnEnd(timeoutMs)).status).toBe("completed");
  web.close();
  return web;
}

/** A maestro-agent from this checkout, as `npm run agent` runs it, with the token in its environment. */
function startAgentProcess(name: string, token: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  return startChild(name, process.execPath, [AGENT_BIN, "--url", worker.origin, ...args], {
    cwd: base,
    env: { MAESTRO_AGENT_TOKEN: token, ...env },
  });
}

const OUTSIDE_FILES = { "t.txt": "OUTSIDE INSIDE", "secret-outside.txt": "OUTSIDE" };

function outsideUntouched(): void {
  expect(readdirSync(outside).sort()).toEqual(Object.keys(OUTSIDE_FILES).sort());
  for (const [name, text] of Object.entries(OUTSIDE_FILES)) expect(readFileSync(join(outside, name), "utf8")).toBe(text);
}

beforeAll(async () => {
  worker = await startLocalWorker({ name: "e2e-agent-sandbox" });
  base = realpathSync(mkdtempSync(join(tmpdir(), "maestro-e2e-sandbox-")));
  project = join(base, "project");
  outside = join(base, "outside");
  home = join(project, "home");
  mkdirSync(join(project, "dir"), { recursive: true });
  mkdirSync(outside);
  mkdirSync(join(home, ".ssh"), { recursive: true });
  writeFileSync(join(home, ".ssh", "id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
  for (const [name, text] of Object.entries(OUTSIDE_FILES)) writeFileSync(join(outside, name), text);
  const created = await worker.client.agents.create({ name: "e2e-sandboxed" });
  mainAgentId = created.id;
  mainAgent = startAgentProcess("agent", created.token, ["--root", project, "--network", "off"], { HOME: home });
  await waitForAgent(worker, mainAgentId, registered);
}, 120_000);

afterAll(async () => {
  await mainAgent?.stop("SIGINT");
  await worker?.stop();
  if (base !== undefined) rmSync(base, { recursive: true, force: true });
}, 60_000);

/** The swapper, also planting a link at a new file's path (dir/new-3.txt) that write_file creates. */
const SWAPPER = linkSwapperScript({ plant: "new-3.txt" });

describe.runIf(process.platform === "linux")("§1 file tools through the tunnel against a folder/symlink swapper", () => {
  it("reads, writes, edits, lists, globs and greps 320 times with 0 escapes", async () => {
    writeFileSync(join(project, "dir", "t.txt"), "INSIDE");
    const swapper: ChildProcess = spawn(process.execPath, ["-e", SWAPPER, project, outside], { stdio: "ignore" });
    try {
      const many = (tool: string, count: number, args: (index: number) => Record<string, unknown>) =>
        calls(...Array.from({ length: count }, (_, index) => ({ id: `toolu_${tool}_${index}`, name: tool, args: args(index) })));
      const web = await runTurn(
        [
          many("read_file", 60, () => ({ path: "dir/t.txt" })),
          many("write_file", 60, (index) => ({ path: index % 2 === 0 ? "dir/t.txt" : `dir/new-${index % 10}.txt`, content: "WRITTEN" })),
          many("edit_file", 60, () => ({ path: "dir/t.txt", old_string: "INSIDE", new_string: "EDITED" })),
          many("list_directory", 60, () => ({ path: "dir" })),
          many("glob", 60, () => ({ pattern: "dir/**" })),
          many("grep", 20, () => ({ pattern: "OUTSIDE|INSIDE|WRITTEN|EDITED", path: "." })),
          say("Done poking."),
        ],
        { agent_id: mainAgentId, working_directory: project },
        120_000,
      );
      expect(swapper.exitCode).toBeNull();
      const all = results(web);
      expect(all).toHaveLength(320);
      const escapes = all.filter((result) => /OUTSIDE|secret-outside|planted/.test(result.output));
      expect(escapes).toEqual([]);
      outsideUntouched();
      // The race was really run: some calls found the folder missing or swapped and were refused.
      expect(all.filter((result) => !result.ok).length).toBeGreaterThan(0);
      expect(all.filter((result) => result.ok).length).toBeGreaterThan(0);
    } finally {
      swapper.kill("SIGKILL");
    }
  }, 150_000);

  it("refuses to write or edit a hard link to an outside file (FILE_HARD_LINKED)", async () => {
    const target = join(base, "hard-target.txt");
    writeFileSync(target, "original\n");
    linkSync(target, join(project, "hard.txt"));
    const web = await runTurn(
      [
        call("toolu_hard_write", "write_file", { path: "hard.txt", content: "overwritten\n" }),
        call("toolu_hard_edit", "edit_file", { path: "hard.txt", old_string: "original", new_string: "edited" }),
        say("Refused."),
      ],
      { agent_id: mainAgentId, working_directory: project },
    );
    expect(results(web).map((result) => [result.call_id, result.ok, result.error_code])).toEqual([
      ["toolu_hard_write", false, "FILE_HARD_LINKED"],
      ["toolu_hard_edit", false, "FILE_HARD_LINKED"],
    ]);
    expect(readFileSync(target, "utf8")).toBe("original\n");
  });
});

describe.runIf(process.platform === "linux")("§2 commands under bubblewrap, through the tunnel", () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((socket) => socket.end("hello from the host\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("GET /agents reports the sandbox the agent registered", async () => {
    const agent = await waitForAgent(worker, mainAgentId, registered);
    if (agent.sandbox?.commands !== "bwrap")
      throw new Error(
        `this test needs bubblewrap: install it (apt-get install -y bubblewrap). The agent registered: ${JSON.stringify(agent.sandbox)}`,
      );
    expect(agent.sandbox).toEqual({
      commands: "bwrap",
      network: false,
      summary: "commands run under bwrap: roots writable, the rest read-only, secrets folders hidden, no network",
    });
  });

  it("writing outside the roots fails, ~/.ssh is hidden, and --network off cuts even loopback", async () => {
    // Outside the roots and outside /tmp: a folder of the machine the sandbox mounts read-only
    // (this checkout, unless it is itself under /tmp, which commands do not see at all).
    const machineFolder = REPO_ROOT.startsWith("/tmp/") ? "/var/tmp" : REPO_ROOT;
    const outsideMachine = join(machineFolder, `.e2e-sandbox-pwned-${process.pid}`);
    const web = await runTurn(
      [
        call("toolu_inside", "run_shell_command", { command: "echo made > made.txt && cat made.txt" }),
        call("toolu_outside", "run_shell_command", { command: `echo pwned > ${outsideMachine}` }),
        call("toolu_tmp", "run_shell_command", { command: `echo pwned > ${outside}/pwned.txt` }),
        call("toolu_code", "execute_code", {
          language: "node",
          code: `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(`${outsideMachine}.code`)}, "pwned");`,
        }),
        call("toolu_ssh", "run_shell_command", { command: "ls -A ~/.ssh; cat ~/.ssh/id_ed25519" }),
        call("toolu_net", "run_shell_command", {
          command: `exec 3<>/dev/tcp/127.0.0.1/${port} && head -1 <&3 || echo unreachable`,
        }),
        say("Sandboxed."),
      ],
      { agent_id: mainAgentId, working_directory: project },
    );
    const byId = resultsById(web);
    expect(byId.get("toolu_inside")).toMatchObject({ ok: true, output: "made\n[exit code 0]" });
    expect(byId.get("toolu_outside")?.output).toContain("Read-only file system");
    // The machine's /tmp is not even visible: commands get a private one.
    expect(byId.get("toolu_tmp")?.output).toContain("No such file or directory");
    expect(byId.get("toolu_code")?.output).toContain("EROFS");
    expect(byId.get("toolu_ssh")?.output).toContain("id_ed25519: No such file or directory");
    expect(byId.get("toolu_ssh")?.output).not.toContain("PRIVATE KEY");
    expect(byId.get("toolu_net")?.output).toContain("unreachable");
    expect(byId.get("toolu_net")?.output).not.toContain("hello from the host");
    outsideUntouched();
    expect(existsSync(outsideMachine)).toBe(false);
    expect(existsSync(`${outsideMachine}.code`)).toBe(false);
    expect(readFileSync(join(home, ".ssh", "id_ed25519"), "utf8")).toContain("PRIVATE KEY");
  });
});

describe("§3 a command dies with its SIGKILLed agent", () => {
  const started: Child[] = [];

  afterAll(async () => {
    for (const child of started) await child.stop("SIGINT");
  });

  // Under bwrap the command's pid namespace dies with the agent; without a sandbox (macOS without
  // sandbox-exec, MAESTRO_SANDBOX=off) its watchdog shell kills the group when the agent's pipe closes.
  it.each(["auto", "off"] as const)(
    "sandbox %s: never writes after its sleep, and the session's call ends AGENT_RESTARTED",
    async (setting) => {
      const created = await worker.client.agents.create({ name: `e2e-doomed-${setting}` });
      const root = join(base, `doomed-${setting}`);
      mkdirSync(root);
      const doomed = startAgentProcess("doomed", created.token, ["--root", root], { MAESTRO_SANDBOX: setting });
      started.push(doomed);
      const agent = await waitForAgent(worker, created.id, registered);
      // bwrap is required on Linux (see §2); elsewhere the platform decides.
      if (setting === "off" || process.platform === "linux") expect(agent.sandbox?.commands).toBe(setting === "off" ? "none" : "bwrap");
      const { session } = await scriptedSessionOn(
        worker,
        [
          call("toolu_late", "run_shell_command", { command: "echo started; sleep 4; echo late >> late.txt", timeout_ms: 60_000 }),
          say("Noted."),
        ],
        { agent_id: created.id, working_directory: root },
      );
      const web = await watch(worker, session.id);
      web.send({ type: "send", text: "run it" });
      for (let attempt = 0; attempt < 200; attempt += 1) {
        if (events(web).some((event) => event.type === "tool_progress" && event.output?.includes("started") === true)) break;
        await sleep(50);
      }
      expect(events(web)).toContainEqual(expect.objectContaining({ type: "tool_progress", call_id: "toolu_late" }));
      // Only the agent's own process: its command must die because the agent did.
      doomed.process.kill("SIGKILL");
      await doomed.exited;
      await sleep(6000); // past the command's sleep, with room for a slow machine
      expect(existsSync(join(root, "late.txt"))).toBe(false);
      // The call was handed over and may have had effects: it is not run again by the next process.
      expect(results(web)).toEqual([]);
      const revived = startAgentProcess("revived", created.token, ["--root", root], { MAESTRO_SANDBOX: setting });
      started.push(revived);
      expect((await web.turnEnd()).status).toBe("completed");
      expect(results(web)).toMatchObject([{ call_id: "toolu_late", ok: false, error_code: "AGENT_RESTARTED" }]);
      expect(existsSync(join(root, "late.txt"))).toBe(false);
      web.close();
    },
    60_000,
  );
});

describe("§4 secrets stay out by default", () => {
  it("denies .dev.vars, .env, id_ed25519 and .ssh/config under the root, naming the rule", async () => {
    const secrets = { ".dev.vars": ".dev.vars*", ".env": ".env*", id_ed25519: "id_ed25519*", ".ssh/config": ".ssh/" };
    mkdirSync(join(project, ".ssh"), { recursive: true });
    for (const path of Object.keys(secrets)) writeFileSync(join(project, path), "TOP SECRET\n");
    const web = await runTurn(
      [
        calls(...Object.keys(secrets).map((path, index) => ({ id: `toolu_secret_${index}`, name: "read_file", args: { path } }))),
        calls(
          { id: "toolu_list", name: "list_directory", args: { path: "." } },
          { id: "toolu_grep", name: "grep", args: { pattern: "TOP SECRET", path: "." } },
          { id: "toolu_write", name: "write_file", args: { path: ".env", content: "X=1\n" } },
        ),
        say("Those are off limits."),
      ],
      { agent_id: mainAgentId, working_directory: project },
    );
    const byId = resultsById(web);
    for (const [index, rule] of Object.values(secrets).entries()) {
      const result = byId.get(`toolu_secret_${index}`);
      expect(result).toMatchObject({ ok: false, error_code: "PATH_DENIED" });
      expect(result?.output).toContain(`deny rule "${rule}"`);
      expect(result?.output).not.toContain("TOP SECRET");
    }
    expect(byId.get("toolu_list")?.output).toContain("[denied: .env*]");
    expect(byId.get("toolu_grep")?.output).not.toContain("TOP SECRET");
    expect(byId.get("toolu_write")).toMatchObject({ ok: false, error_code: "PATH_DENIED" });
    expect(readFileSync(join(project, ".env"), "utf8")).toBe("TOP SECRET\n");
  });

  it("the agent `npm run dev -- --demo` starts, rooted at this repository, cannot read its .dev.vars", async () => {
    // As dev.ts: the repository's .dev.vars exists (written now if this clone has none), and the
    // agent is started by startDevAgent with this repository as its root.
    const devVarsPath = join(REPO_ROOT, ".dev.vars");
    const devVars = await ensureDevVars(devVarsPath);
    const stateDir = join(base, "dev-state");
    mkdirSync(stateDir);
    let devAgent: Child | undefined;
    try {
      devAgent = await startDevAgent({ origin: worker.origin, apiToken: worker.token, stateDir, root: REPO_ROOT });
      const { id } = JSON.parse(readFileSync(join(stateDir, "agent.json"), "utf8")) as { id: AgentId };
      await waitForAgent(worker, id, (agent) => agent.connected && agent.roots.includes(resolve(REPO_ROOT)));
      const web = await runTurn(
        [
          calls(
            { id: "toolu_devvars", name: "read_file", args: { path: ".dev.vars" } },
            { id: "toolu_readme", name: "read_file", args: { path: "README.md", limit: 1 } },
            { id: "toolu_glob", name: "glob", args: { pattern: ".dev.vars*" } },
          ),
          say("Not that one."),
        ],
        { agent_id: id },
      );
      const byId = resultsById(web);
      expect(byId.get("toolu_devvars")).toMatchObject({ ok: false, error_code: "PATH_DENIED" });
      expect(byId.get("toolu_devvars")?.output).toContain('deny rule ".dev.vars*"');
      expect(byId.get("toolu_readme")).toMatchObject({ ok: true, output: expect.stringContaining("The Maestro") });
      expect(byId.get("toolu_glob")?.output).not.toContain(".dev.vars");
      for (const result of results(web)) expect(result.output).not.toContain(devVars.apiToken);
    } finally {
      await devAgent?.stop("SIGINT");
      if (devVars.created) rmSync(devVarsPath, { force: true });
    }
  }, 60_000);
});

describe("§8 the installed maestro-agent against the local Worker", () => {
  let installed: ChildProcess | undefined;

  afterAll(() => {
    installed?.kill("SIGKILL");
  });

  it("installs from its tarball into an empty folder, connects with its token from the environment, and serves the model", async () => {
    const elsewhere = join(base, "elsewhere");
    mkdirSync(elsewhere);
    const { bin, cleanEnv } = await packAndInstall(elsewhere);
    const root = join(elsewhere, "project");
    mkdirSync(root);
    writeFileSync(join(root, "notes.txt"), "installed and working\n");
    const created = await worker.client.agents.create({ name: "e2e-installed" });
    let stderr = "";
    installed = spawn(bin, ["--url", worker.origin, "--root", root], {
      cwd: elsewhere,
      env: cleanEnv({ MAESTRO_AGENT_TOKEN: created.token }),
      stdio: ["ignore", "ignore", "pipe"],
    });
    installed.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const agent = await waitForAgent(worker, created.id, registered).catch((error: unknown) => {
      throw new Error(`${String(error)}\nagent stderr:\n${stderr}`);
    });
    expect(agent).toMatchObject({ roots: [root], version: "0.1.0" });
    const web = await runTurn([call("toolu_notes", "read_file", { path: "notes.txt" }), say("Read it.")], { agent_id: created.id });
    expect(results(web)).toMatchObject([{ call_id: "toolu_notes", ok: true, output: "     1\tinstalled and working" }]);
    expect(stderr).not.toContain(created.token);
  }, 90_000);
});
