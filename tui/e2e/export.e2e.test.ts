// Proves, in a real terminal (tmux) against `npm run dev -- --demo`: `maestro export` writes a
// session with thinking, a tool call, two branches and a compaction as Markdown (to stdout) and as
// JSON (--out); `maestro import` takes the file back — and the same file on stdin — printing the new
// session's id; exporting the copy gives the same file apart from ids and timestamps; the copy
// opens in `maestro attach` and takes the next message. Read back from the screen with capture-pane.
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { MAESTRO, buildMaestro, waitForText } from "./terminal.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";

const run = promisify(execFile);
const TMUX_SHELL = `maestro-export-e2e-${process.pid}`;
const TMUX_ATTACH = `maestro-export-e2e-attach-${process.pid}`;

/** What this test reads of an export (protocol's SessionExport; this project has no DOM types, which protocol needs). */
interface SessionExport {
  readonly exported_at: string;
  readonly session: { readonly created_at: string };
  readonly messages: readonly { readonly content: readonly { readonly type: string }[] }[];
}

let server: DevServer;
let home: string;

function maestro(args: string[], input?: string) {
  const env = { ...process.env, XDG_CONFIG_HOME: home };
  if (input === undefined) return run(process.execPath, [MAESTRO, ...args], { env, maxBuffer: 64 * 1024 * 1024 });
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = execFile(process.execPath, [MAESTRO, ...args], { env }, (error, stdout, stderr) =>
      error === null ? resolve({ stdout, stderr }) : reject(new Error(stderr || error.message)),
    );
    child.stdin?.end(input);
  });
}

const screen = (target: string) => execFileSync("tmux", ["capture-pane", "-t", target, "-p", "-J"], { encoding: "utf8" });

const waitForScreen = (target: string, pattern: RegExp, timeoutMs?: number) => waitForText(() => screen(target), pattern, timeoutMs);

/** A command typed into the shell in tmux. */
const type = (line: string) => execFileSync("tmux", ["send-keys", "-t", TMUX_SHELL, line, "Enter"]);

/** The file with every uuid named by its order of first appearance, and the times that must differ left out. */
function comparable(file: SessionExport): unknown {
  const names = new Map<string, string>();
  const text = JSON.stringify(file).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
    if (!names.has(id)) names.set(id, `id#${names.size}`);
    return names.get(id) ?? id;
  });
  const { exported_at: _exported, session, ...rest } = JSON.parse(text) as SessionExport;
  const { created_at: _created, ...settings } = session;
  return { ...rest, session: settings };
}

async function api(path: string, body: unknown): Promise<{ message?: { id: string } | null }> {
  const response = await fetch(`${server.origin}/api/v1${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { message?: { id: string } | null };
}

beforeAll(async () => {
  await buildMaestro();
  home = await mkdtemp(join(tmpdir(), "maestro-tui-export-e2e-"));
  server = await startDevServer();
  await maestro(["login", server.origin], `${server.token}\n`);
});

afterAll(async () => {
  for (const session of [TMUX_SHELL, TMUX_ATTACH]) {
    try {
      execFileSync("tmux", ["kill-session", "-t", session], { stdio: "ignore" });
    } catch {
      // Already gone: its program ended.
    }
  }
  await server?.stop();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

describe("maestro export / import in a terminal", () => {
  it("exports a session as Markdown and JSON, imports the JSON (from a file and stdin), round trip identical, and the copy goes on", async () => {
    const created = await maestro([
      "new",
      "--credential",
      "Demo (simulated, no real model): anthropic",
      "--model",
      "claude-sonnet-4-5",
      "--title",
      "Terminal export",
    ]);
    const sessionId = created.stdout.trim();
    await maestro(["send", sessionId, "think about it"]);
    await maestro(["send", sessionId, "read README.md"]);
    // A second branch (the last answer regenerated) and a compaction, through the API.
    const history = JSON.parse((await maestro(["history", sessionId, "--json"])).stdout) as { id: string; role: string }[];
    const lastAnswer = history.findLast((message) => message.role === "assistant");
    if (lastAnswer === undefined) throw new Error("no answer");
    await api(`/sessions/${sessionId}/messages/${lastAnswer.id}/regenerate?wait=true`, {});
    await api(`/sessions/${sessionId}/compact`, {});

    const markdown = await maestro(["export", sessionId]);
    expect(markdown.stdout).toMatch(/^# Terminal export\n/);
    expect(markdown.stdout).toContain("<summary>Thinking</summary>");
    expect(markdown.stdout).toContain("<summary>Tool call: read_file");
    expect(markdown.stdout).toContain("Earlier turns were summarised here (manual)");

    const file = join(home, "terminal-export.json");
    execFileSync("tmux", [
      "new-session",
      "-d",
      "-s",
      TMUX_SHELL,
      "-x",
      "160",
      "-y",
      "40",
      `env XDG_CONFIG_HOME=${home} PS1='$ ' bash --norc --noprofile`,
    ]);
    await waitForScreen(TMUX_SHELL, /\$ $/m);
    type(`${process.execPath} ${MAESTRO} export ${sessionId} --format json --out ${file}`);
    await waitForScreen(TMUX_SHELL, new RegExp(`Wrote ${file}\\.`));
    type(`${process.execPath} ${MAESTRO} import ${file}`);
    const imported = await waitForScreen(TMUX_SHELL, /Imported "Terminal export" \(anthropic \/ claude-sonnet-4-5\)\./);
    const newIds = [...imported.matchAll(/^([0-9a-f-]{36})$/gm)].map((match) => match[1]);
    const copyId = newIds[0];
    if (copyId === undefined) throw new Error(`no session id on screen:\n${imported}`);
    expect(copyId).not.toBe(sessionId);

    // From stdin too, with a title of its own.
    type(`cat ${file} | ${process.execPath} ${MAESTRO} import - --title "From stdin"`);
    await waitForScreen(TMUX_SHELL, /Imported "From stdin"/);

    const original = JSON.parse(await readFile(file, "utf8")) as SessionExport;
    expect(original.messages.some((message) => message.content.some((part) => part.type === "compaction"))).toBe(true);
    const again = JSON.parse((await maestro(["export", copyId, "--format", "json"])).stdout) as SessionExport;
    expect(comparable(again)).toEqual(comparable(original));

    // The copy opens live and goes on from where the original was.
    execFileSync("tmux", [
      "new-session",
      "-d",
      "-s",
      TMUX_ATTACH,
      "-x",
      "120",
      "-y",
      "45",
      `env XDG_CONFIG_HOME=${home} ${process.execPath} ${MAESTRO} attach ${copyId}`,
    ]);
    await waitForScreen(TMUX_ATTACH, /● open/);
    await waitForScreen(TMUX_ATTACH, /Terminal export · anthropic\/claude-sonnet-4-5/);
    execFileSync("tmux", ["send-keys", "-t", TMUX_ATTACH, "hello again", "Enter"]);
    await waitForScreen(TMUX_ATTACH, /You said: hello again/);
    execFileSync("tmux", ["send-keys", "-t", TMUX_ATTACH, "/quit", "Enter"]);
  });
});
