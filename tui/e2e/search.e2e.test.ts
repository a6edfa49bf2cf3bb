// Proves, in a real terminal (tmux) against `npm run dev -- --demo`: `maestro search` finds a
// message across sessions by a word's stem, prints its session, role and model, the matching words
// highlighted (bold and inverse on screen, read back with capture-pane -e), and the session and
// message ids; following those ids with `maestro history` reads the message in its session. In a
// pipe, --json gives the hits with their snippet segments; a query of only common words is refused
// with the reason and exit 1.
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAESTRO, buildMaestro, waitForText } from "./terminal.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../worker/local/dev-server.ts";

const TMUX = `maestro-search-e2e-${process.pid}`;

let server: DevServer;
let home: string;

function maestro(args: string[], input?: string) {
  const env = { ...process.env, XDG_CONFIG_HOME: home };
  return new Promise<{ stdout: string; stderr: string; code: number }>((resolve) => {
    const child = execFile(process.execPath, [MAESTRO, ...args], { env }, (error, stdout, stderr) =>
      resolve({ stdout, stderr, code: error === null ? 0 : typeof error.code === "number" ? error.code : -1 }),
    );
    child.stdin?.end(input);
  });
}

/** The pane as text, with its colours and attributes as escape sequences when `escapes`. */
const screen = (escapes = false) =>
  execFileSync("tmux", ["capture-pane", "-t", TMUX, "-p", ...(escapes ? ["-e"] : [])], { encoding: "utf8" });

/** The SGR parameters (";"-joined) written right before the first `word` on the pane; "" when none. */
function sgrBefore(text: string, word: string): string {
  const at = text.indexOf(word);
  const parameters: string[] = [];
  let end = at;
  for (;;) {
    const start = text.lastIndexOf("\u001b[", end - 1);
    if (start < 0 || !text.slice(start, end).endsWith("m") || text.slice(start + 2, end - 1).match(/^[\d;]*$/) === null) break;
    parameters.unshift(text.slice(start + 2, end - 1));
    end = start;
  }
  return parameters.join(";");
}

const waitForScreen = (pattern: RegExp, timeoutMs?: number) => waitForText(screen, pattern, timeoutMs);

beforeAll(async () => {
  await buildMaestro();
  home = await mkdtemp(join(tmpdir(), "maestro-search-e2e-"));
  server = await startDevServer();
});

afterAll(async () => {
  try {
    execFileSync("tmux", ["kill-session", "-t", TMUX], { stdio: "ignore" });
  } catch {
    // Already gone: the search printed and ended.
  }
  await server?.stop();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

describe("maestro search", () => {
  it("finds a message by its words, highlighted, and its ids open it in its session", async () => {
    expect((await maestro(["login", server.origin], `${server.token}\n`)).code).toBe(0);
    const demo = ["--credential", "Demo (simulated, no real model): anthropic", "--model", "claude-sonnet-4-5"];
    const created = await maestro(["new", ...demo, "--title", "Harbour log"]);
    const sessionId = created.stdout.trim();
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await maestro(["send", sessionId, "The harbourmaster was running the foghorn drill."])).code).toBe(0);
    expect((await maestro(["send", sessionId, "Anything else?"])).code).toBe(0);
    const other = await maestro(["new", ...demo, "--title", "Unrelated"]);
    expect((await maestro(["send", other.stdout.trim(), "Nothing about that here."])).code).toBe(0);

    // On a terminal: highlighted.
    execFileSync("tmux", [
      "new-session",
      "-d",
      "-s",
      TMUX,
      "-x",
      "160",
      "-y",
      "20",
      `env XDG_CONFIG_HOME=${home} ${process.execPath} ${MAESTRO} search harbourmaster run; sleep 30`,
    ]);
    const shown = await waitForScreen(/message [0-9a-f-]{36}/);
    expect(shown).toMatch(/^Harbour log · user · claude-sonnet-4-5 · \d{4}-\d\d-\d\d \d\d:\d\d$/m);
    expect(shown).toContain("The harbourmaster was running the foghorn drill");
    expect(shown).not.toContain("Unrelated");
    const ids = /session ([0-9a-f-]{36}) {2}message ([0-9a-f-]{36})/.exec(shown);
    expect(ids?.[1]).toBe(sessionId);
    // Bold and inverse around the matching words only (tmux writes them as SGR 1 and 7).
    const styled = screen(true);
    for (const word of ["harbourmaster", "running"]) expect(sgrBefore(styled, word), word).toMatch(/^(?=.*\b1\b)(?=.*\b7\b)/);
    expect(sgrBefore(styled, "foghorn")).toBe("");

    // Jump: the ids lead to the message in its session's history.
    const history = await maestro(["history", ids?.[1] ?? "", "--json"]);
    const messages = JSON.parse(history.stdout) as { id: string; content: { text?: string }[] }[];
    expect(messages.find((message) => message.id === ids?.[2])?.content[0]?.text).toBe("The harbourmaster was running the foghorn drill.");

    // In a pipe: plain text, or JSON with the snippet's segments.
    const piped = await maestro(["search", "harbourmaster", "--session", sessionId, "--role", "user", "--json"]);
    const hits = JSON.parse(piped.stdout) as { message_id: string; snippet: { text: string; hit: boolean }[] }[];
    expect(hits.map((hit) => hit.message_id)).toEqual([ids?.[2]]);
    expect(hits[0]?.snippet.filter((segment) => segment.hit).map((segment) => segment.text)).toEqual(["harbourmaster"]);
    const plain = await maestro(["search", "foghorn"]);
    expect(plain.stdout).not.toContain("\u001b[");
    expect(plain.stdout).toContain("The harbourmaster was running the foghorn drill");

    const refused = await maestro(["search", "the", "and"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Could not search: Nothing to search for");
  });
});
