// Proves: every `curl` line of the README works as written against `npm run dev -- --demo`, run
// by bash from the folder holding the run's .dev.vars (as the README's first block reads the
// token). The ids the examples stand for ($SESSION, $CALL_ID, $ENTRY, …) are made fresh for each
// line in the state it needs: an idle session, a turn waiting for an approval, a queued message, a
// finished turn. Each line must answer 2xx; the few that cannot here say why below.
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../local/dev-server.ts";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));
const run = promisify(execFile);

/** Lines that cannot answer 2xx on a machine with no internet and nobody at a browser, and why. */
const NOT_HERE: readonly { readonly pattern: RegExp; readonly why: string; readonly status: number }[] = [
  { pattern: /oauth\/codex\/finish/, why: "needs the address OpenAI's sign-in page ends on", status: 400 },
  { pattern: /oauth\/codex\/device\/start/, why: "asks auth.openai.com, which these machines cannot reach", status: 502 },
  { pattern: /oauth\/codex\/device\/poll/, why: "needs the state of a device login that auth.openai.com started", status: 400 },
  // The demo's turns do not fail; a retry with nothing to retry is refused, which is the route working.
  { pattern: /\/retry"/, why: "the demo session has no failed answer to retry", status: 409 },
];

let server: DevServer;
let home: string;
let port: string;

interface Command {
  readonly text: string;
  readonly line: number;
}

/** Whether a single-quoted string is still open at the end of `text`, comments (` # …`) aside. */
function quoteOpen(text: string): boolean {
  let open = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char === "'") open = !open;
    // A comment runs to the end of its line: "that session's" in one must not open a string.
    else if (!open && char === "#" && /\s/.test(text[index - 1] ?? "")) {
      const end = text.indexOf("\n", index);
      if (end === -1) break;
      index = end;
    }
  }
  return open;
}

/** The README's ```sh blocks: the variable assignments every line needs, and each curl command. */
function readmeCommands(): { prelude: string[]; commands: Command[] } {
  const text = readFileSync(README, "utf8");
  const prelude: string[] = [];
  const commands: Command[] = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const startLine = text.slice(0, block.index).split("\n").length + 1;
    const lines = (block[1] ?? "").split("\n");
    for (let index = 0; index < lines.length; index += 1) {
      let command = lines[index] ?? "";
      const first = index;
      // A command goes on while a line ends in a backslash or a single-quoted string is open.
      while ((command.trimEnd().endsWith("\\") || quoteOpen(command)) && index + 1 < lines.length) {
        index += 1;
        command += `\n${lines[index] ?? ""}`;
      }
      if (/^(TOKEN|API|AUTH)=/.test(command)) prelude.push(command);
      else if (command.startsWith("curl ")) commands.push({ text: command, line: startLine + first });
    }
  }
  return { prelude, commands };
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${server.origin}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
  });
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function demoCredential(provider: string): Promise<string> {
  const { data } = await api<{ data: { id: string; label: string; provider: string }[] }>("/credentials");
  const found = data.find((credential) => credential.provider === provider && credential.label.startsWith("Demo (simulated"));
  if (found === undefined) throw new Error(`no demo ${provider} credential`);
  return found.id;
}

async function idleSession(): Promise<string> {
  const created = await api<{ id: string }>("/sessions", {
    method: "POST",
    body: JSON.stringify({ provider: "anthropic", model: "claude-sonnet-4-5", credential_id: await demoCredential("anthropic") }),
  });
  return created.id;
}

/** A session whose turn waits for an approval of `ls -la` (the demo's command). */
async function waitingSession(): Promise<{ session: string; callId: string }> {
  const session = await idleSession();
  await api(`/sessions/${session}/messages`, { method: "POST", body: JSON.stringify({ text: "run a command" }) });
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { data } = await api<{ data: { session_id: string; call_id: string }[] }>("/approvals");
    const waiting = data.find((approval) => approval.session_id === session);
    if (waiting !== undefined) return { session, callId: waiting.call_id };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the demo turn never asked for its approval");
}

/** The ids a command refers to, made in the state it needs. */
async function fixturesFor(command: string): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  if (/\$CALL_ID|\/cancel"|\$ENTRY|\/queue/.test(command)) {
    const { session, callId } = await waitingSession();
    Object.assign(vars, { SESSION: session, CALL_ID: callId });
    if (/\$ENTRY|\/queue/.test(command)) {
      const queued = await api<{ queued: { id: string } }>(`/sessions/${session}/messages`, {
        method: "POST",
        body: JSON.stringify({ text: "then run the tests" }),
      });
      vars.ENTRY = queued.queued.id;
    }
  } else if (/\$SESSION/.test(command)) {
    vars.SESSION = await idleSession();
  }
  if (/\$USER_MESSAGE|\$ANSWER|\$OLD_MESSAGE/.test(command)) {
    await api(`/sessions/${vars.SESSION}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "hello" }) });
    const { data } = await api<{ data: { id: string; role: string }[] }>(`/sessions/${vars.SESSION}/messages`);
    const user = data.find((message) => message.role === "user");
    const answer = data.find((message) => message.role === "assistant");
    if (user === undefined || answer === undefined) throw new Error("the demo turn stored no messages");
    Object.assign(vars, { USER_MESSAGE: user.id, OLD_MESSAGE: user.id, ANSWER: answer.id });
  }
  if (/\$RULE/.test(command)) {
    vars.RULE = (
      await api<{ id: string }>("/approval-rules", { method: "POST", body: JSON.stringify({ effect: "allow", tool: "grep" }) })
    ).id;
  }
  if (/\$CRED/.test(command)) vars.CRED = await demoCredential("openai");
  return vars;
}

/** What the README leaves for the reader to fill in, filled in. */
async function withPlaceholders(command: string): Promise<string> {
  let filled = command.replaceAll("127.0.0.1:8787", `127.0.0.1:${port}`);
  if (filled.includes("<an openai credential>")) filled = filled.replace("<an openai credential>", await demoCredential("openai"));
  if (filled.includes("<next_cursor>")) {
    const page = await api<{ next_cursor: string | null }>("/search?q=lighthouse%20keeper&limit=1");
    if (page.next_cursor === null) throw new Error("the search fixture has a single page");
    filled = filled.replace("<next_cursor>", encodeURIComponent(page.next_cursor));
  }
  return filled;
}

beforeAll(async () => {
  server = await startDevServer();
  home = server.home;
  port = new URL(server.origin).port;
  // What the import and search examples read: a conversation from elsewhere, and words to find.
  writeFileSync(
    join(home, "chat.json"),
    JSON.stringify({
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: "hello" },
      ],
    }),
  );
  const session = await idleSession();
  for (const _ of [1, 2]) {
    await api(`/sessions/${session}/messages?wait=true`, { method: "POST", body: JSON.stringify({ text: "the lighthouse keeper" }) });
  }
}, 240_000);

afterAll(async () => {
  await server?.stop();
});

describe("the README's curl lines", () => {
  const { prelude, commands } = readmeCommands();

  it("are all found (a block the parser missed would go untested)", () => {
    expect(prelude.map((line) => line.split("=")[0])).toEqual(["TOKEN", "API", "AUTH"]);
    const curlLines = readFileSync(README, "utf8")
      .split("\n")
      .filter((line) => line.startsWith("curl "));
    expect(commands.map((command) => command.text.split("\n")[0])).toEqual(curlLines);
  });

  for (const command of commands) {
    it(`README.md:${command.line} ${command.text.split("\n")[0]?.slice(0, 90)}`, async () => {
      const vars = await fixturesFor(command.text);
      const filled = await withPlaceholders(command.text);
      // The status goes to stderr, so a line that writes its body to a file (> session.json, -OJ) keeps doing so.
      const measured = filled.replace(/^curl /, "curl -w '%{stderr}HTTP %{http_code}\\n' ");
      const script = [...prelude.map((line) => line.replaceAll("127.0.0.1:8787", `127.0.0.1:${port}`)), measured].join("\n");
      const { stdout, stderr } = await run("bash", ["-c", script], {
        cwd: home,
        env: { PATH: process.env.PATH ?? "", HOME: home, ...vars },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      const status = Number(/HTTP (\d{3})/.exec(stderr)?.[1]);
      const expected = NOT_HERE.find((entry) => entry.pattern.test(command.text));
      const answer = stdout.slice(0, 400);
      if (expected !== undefined) expect(status, `${expected.why}: ${answer}`).toBe(expected.status);
      else expect(status, answer).toBeGreaterThanOrEqual(200);
      if (expected === undefined) expect(status, answer).toBeLessThan(300);
      // A line that promises a stream must give one, through to the turn's end (a GET answered JSON).
      if (command.text.includes("text/event-stream")) expect(stdout).toMatch(/^data: .*"type":"turn_end"/m);
    }, 90_000);
  }
});
