// Proves, in a real terminal (tmux) against `npm run dev -- --demo`: a session whose model fails
// for good in the middle of a tool loop carries on with its fallback, and `maestro attach` shows
// it. `maestro new --fallback` makes the session: the demo's "overloaded mid tool loop" Anthropic
// (it thinks, calls read_file on the demo's local agent, then answers 529 to every request
// carrying the result), with the demo OpenAI as its fallback; the screen shows the tool's result, "failed
// over from anthropic/… to openai/…: …", and each answer's model; `maestro history --json` reads
// back which provider, model and credential wrote each answer.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAESTRO, buildMaestro, runMaestro, waitForText } from "./terminal.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";

const TMUX = `maestro-e2e-failover-${process.pid}`;

let server: DevServer;
let home: string;

const maestro = (args: string[], input?: string) => runMaestro(home, args, input);

const screen = () => execFileSync("tmux", ["capture-pane", "-t", TMUX, "-p", "-J"], { encoding: "utf8" });

const waitForScreen = (pattern: RegExp, timeoutMs?: number) => waitForText(screen, pattern, timeoutMs);

/** Resolves once the tmux session is gone (it ends with its program), within five seconds. */
async function ended(failure: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      execFileSync("tmux", ["has-session", "-t", TMUX], { stdio: "ignore" });
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(failure);
}

// Plain fetch, not the protocol client: this project type-checks under Node's lib, not the DOM's.
interface Credential {
  readonly id: string;
  readonly label: string;
}
interface StoredMessage {
  readonly role: string;
  readonly provider: string | null;
  readonly model: string | null;
  readonly credential_id: string | null;
}

async function api<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.origin}/api/v1${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function byLabel(credentials: readonly Credential[], label: string): Credential {
  const found = credentials.find((credential) => credential.label === label);
  if (found === undefined) throw new Error(`no demo credential "${label}"`);
  return found;
}

beforeAll(async () => {
  await buildMaestro();
  home = await mkdtemp(join(tmpdir(), "maestro-tui-failover-"));
  server = await startDevServer();
});

afterAll(async () => {
  try {
    execFileSync("tmux", ["kill-session", "-t", TMUX], { stdio: "ignore" });
  } catch {
    // Already gone: /quit ended it.
  }
  await server?.stop();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

describe("failover in a terminal", () => {
  it("shows a turn that fails over from an overloaded simulator to a working one mid tool loop", async () => {
    await maestro(["login", server.origin], `${server.token}\n`);
    const { data: credentials } = await api<{ data: Credential[] }>("/credentials");
    const overloaded = byLabel(credentials, "Failover demo (simulated): anthropic, overloaded mid tool loop");
    const openai = byLabel(credentials, "Demo (simulated, no real model): openai");
    const created = await maestro([
      "new",
      "--credential",
      overloaded.label,
      "--model",
      "claude-sonnet-4-5",
      "--title",
      "tmux failover",
      "--fallback",
      `gpt-4.1=${openai.label}`,
    ]);
    const session = { id: created.stdout.trim() };
    const stored = await api<{ fallbacks: unknown[] }>(`/sessions/${session.id}`);
    expect(stored.fallbacks).toEqual([{ provider: "openai", model: "gpt-4.1", credential_id: openai.id }]);

    execFileSync("tmux", [
      "new-session",
      "-d",
      "-s",
      TMUX,
      "-x",
      "160",
      "-y",
      "50",
      `env XDG_CONFIG_HOME=${home} ${process.execPath} ${MAESTRO} attach ${session.id}`,
    ]);
    await waitForScreen(/● open/);
    // read_file is a read: it runs on the demo's local agent without asking.
    execFileSync("tmux", ["send-keys", "-t", TMUX, "read README.md", "Enter"]);
    // Four overloaded answers (retries spent, with backoff), then the fallback takes the turn.
    // The turn is over once the fallback's answer is stored (printed with the model that wrote it).
    const done = await waitForScreen(/model · openai\/gpt-4\.1/, 40_000);
    expect(done).toContain("Anything else you'd like me to try?");
    expect(done).toMatch(/↪ failed over from anthropic\/claude-sonnet-4-5 to openai\/gpt-4\.1: Anthropic answered HTTP 529/);
    expect(done).toMatch(/read_file done/);
    expect(done).toContain("The tool answered:");
    expect(done).toMatch(/model · anthropic\/claude-sonnet-4-5/);
    expect(done).toMatch(/model · openai\/gpt-4\.1/);
    execFileSync("tmux", ["send-keys", "-t", TMUX, "/quit", "Enter"]);
    await ended("maestro attach did not quit on /quit");

    const { stdout } = await maestro(["history", session.id, "--json"]);
    const messages = (JSON.parse(stdout) as StoredMessage[]).filter((message) => message.role === "assistant");
    expect(messages.map((message) => [message.provider, message.model, message.credential_id])).toEqual([
      ["anthropic", "claude-sonnet-4-5", overloaded.id],
      ["openai", "gpt-4.1", openai.id],
    ]);
  });
});
