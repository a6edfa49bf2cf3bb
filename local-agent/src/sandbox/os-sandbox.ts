/**
 * The OS sandbox that shell commands and execute_code run in. On Linux, bubblewrap (`bwrap`):
 * the whole file system read-only, the roots writable, a private /tmp, secrets folders
 * (~/.ssh, ~/.aws, ~/.gnupg, …) hidden behind empty ones, its own pid namespace that dies with
 * the agent, and no network unless allowed. On macOS, `sandbox-exec` with a generated profile
 * to the same effect. Without either, commands run as the user, and the agent says so.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import type { AgentSandbox } from "@maestro/protocol";

export type SandboxMode = AgentSandbox["commands"];

export interface CommandSandbox {
  readonly mode: SandboxMode;
  /** Whether commands may use the network (always true when mode is "none"). */
  readonly network: boolean;
  /** Why there is no sandbox, when there is none. */
  readonly reason?: string;
  /** The command line that runs `command args` inside the sandbox. */
  wrap(command: string, args: readonly string[], place: SandboxPlace): { command: string; args: string[] };
}

export interface SandboxPlace {
  /** Writable: the roots (real paths). */
  readonly writable: readonly string[];
  /** Readable even where the sandbox hides the rest (execute_code's snippet in the temp folder). */
  readonly readable?: readonly string[];
  readonly cwd: string;
}

/** Home-relative places that hold credentials: never visible to a sandboxed command. */
export const SECRET_PATHS = [
  ".ssh",
  ".aws",
  ".gnupg",
  ".azure",
  ".kube",
  ".docker",
  ".config/gcloud",
  ".config/gh",
  ".config/maestro",
  ".password-store",
  ".netrc",
  ".git-credentials",
  ".npmrc",
  ".pypirc",
] as const;

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

function existingSecrets(home: string): { path: string; dir: boolean }[] {
  const found: { path: string; dir: boolean }[] = [];
  for (const relative of SECRET_PATHS) {
    const path = join(home, relative);
    try {
      found.push({ path, dir: statSync(path).isDirectory() });
    } catch {
      // Absent: nothing to hide (and bwrap cannot mount over a missing path under a read-only bind).
    }
  }
  return found;
}

/**
 * bwrap's arguments, in mount order: later mounts cover earlier ones, so secrets go last.
 * `runtime` is the folder of the Node that runs execute_code's snippets (this agent's own): when
 * it lives under /tmp (an agent run from a checkout there), it is shown again read-only over the
 * private /tmp, or no snippet could start.
 */
export function bwrapArgs(place: SandboxPlace, options: { network: boolean; home: string; runtime?: string }): string[] {
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"];
  const runtime = options.runtime ?? dirname(process.execPath);
  if (runtime === "/tmp" || runtime.startsWith("/tmp/")) args.push("--ro-bind", runtime, runtime);
  for (const path of place.writable) args.push("--bind", path, path);
  for (const path of place.readable ?? []) args.push("--ro-bind", path, path);
  // Hidden even inside a root (a root may be the home folder itself).
  for (const secret of existingSecrets(options.home)) {
    if (secret.dir) args.push("--tmpfs", secret.path);
    else args.push("--ro-bind", "/dev/null", secret.path);
  }
  args.push("--unshare-pid", "--unshare-ipc", "--die-with-parent", "--new-session");
  if (!options.network) args.push("--unshare-net");
  args.push("--chdir", place.cwd);
  return args;
}

const sbString = (value: string) => JSON.stringify(value);

/** A Seatbelt profile (as Codex CLI generates one): read everything but secrets, write only the roots. */
export function seatbeltProfile(place: SandboxPlace, options: { network: boolean; home: string }): string {
  const writable = [...place.writable, "/private/tmp", "/private/var/folders"].map((path) => `(subpath ${sbString(path)})`);
  const secrets = SECRET_PATHS.map((relative) => `(subpath ${sbString(join(options.home, relative))})`);
  return [
    "(version 1)",
    "(allow default)",
    "(deny file-write*)",
    `(allow file-write* ${writable.join(" ")} (literal "/dev/null") (regex #"^/dev/tty") (regex #"^/dev/fd/"))`,
    `(deny file-read* file-write* ${secrets.join(" ")})`,
    ...(options.network ? [] : ["(deny network*)", "(allow network* (local unix-socket) (remote unix-socket))"]),
  ].join("\n");
}

function bwrapSandbox(bwrap: string, network: boolean, home: string): CommandSandbox {
  return {
    mode: "bwrap",
    network,
    wrap: (command, args, place) => ({ command: bwrap, args: [...bwrapArgs(place, { network, home }), "--", command, ...args] }),
  };
}

function seatbeltSandbox(sandboxExec: string, network: boolean, home: string): CommandSandbox {
  return {
    mode: "sandbox-exec",
    network,
    wrap: (command, args, place) => ({
      command: sandboxExec,
      args: ["-p", seatbeltProfile(place, { network, home }), command, ...args],
    }),
  };
}

export function noSandbox(reason: string): CommandSandbox {
  return { mode: "none", network: true, reason, wrap: (command, args) => ({ command, args: [...args] }) };
}

/**
 * The sandbox this machine offers, tried once: bwrap may be installed yet unusable (no user
 * namespaces for this user), so it runs `true` inside one before trusting it.
 */
export function detectSandbox(options: { network: boolean; platform?: NodeJS.Platform; home?: string }): CommandSandbox {
  const platform = options.platform ?? process.platform;
  const home = options.home ?? homedir();
  if (platform === "linux") {
    const bwrap = findOnPath("bwrap");
    if (bwrap === undefined) return noSandbox("bubblewrap (bwrap) is not installed");
    return tried(bwrapSandbox(bwrap, options.network, home));
  }
  if (platform === "darwin") {
    const sandboxExec = "/usr/bin/sandbox-exec";
    try {
      accessSync(sandboxExec, constants.X_OK);
    } catch {
      return noSandbox("sandbox-exec is missing");
    }
    return tried(seatbeltSandbox(sandboxExec, options.network, home));
  }
  return noSandbox(`no command sandbox on ${platform}`);
}

/** The sandbox if `true` runs inside it, else none, saying why. */
function tried(sandbox: CommandSandbox): CommandSandbox {
  const probe = sandbox.wrap("true", [], { writable: [], cwd: "/" });
  const ran = spawnSync(probe.command, probe.args, { stdio: ["ignore", "ignore", "pipe"], timeout: 10_000 });
  if (ran.status === 0) return sandbox;
  const why = ran.error?.message ?? ran.stderr.toString("utf8").trim().slice(0, 300);
  return noSandbox(`${sandbox.mode} is installed but cannot run here (${why || `exit ${String(ran.status)}`})`);
}
