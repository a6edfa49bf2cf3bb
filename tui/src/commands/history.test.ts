// Proves: `maestro history` reads every page of a long session (200 at a time, `before` the oldest
// seen) and prints it oldest first; --limit asks for only the newest n (still printed oldest
// first); --search sends `q` and says "No messages match" when nothing does; a message reads as a
// header (time, role, model) and its parts — thinking marked, tool calls as →, results as ← cut to
// their first lines, a compaction as its divider and summary; --json prints the array oldest first;
// an unknown session is the API's reason and exit 1; a missing id or a bad --limit is the usage, exit 2.
import { type Message, MessageSchema, createRestClient } from "@maestro/protocol";
import { SAMPLE_CALL_ID, SAMPLE_MESSAGE, SAMPLE_SESSION } from "@maestro/protocol/testing";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { saveConfig } from "../config.ts";
import { main } from "../main.ts";
import { showHistory } from "./history.ts";
import { capture } from "./capture-output.ts";

const START = Date.parse("2026-11-24T19:00:00.000Z");

/** The nth message of a session, a minute after the one before: users and assistants in turn. */
function numbered(index: number, overrides: Partial<Message> = {}): Message {
  return MessageSchema.parse({
    ...SAMPLE_MESSAGE,
    id: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
    role: index % 2 === 0 ? "user" : "assistant",
    content: [{ type: "text", text: `message ${index}` }],
    stop_reason: null,
    created_at: new Date(START + index * 60_000).toISOString(),
    ...overrides,
  });
}

/**
 * The messages endpoint over a stored list (oldest first), as the worker pages it: newest first,
 * `before` an id, `q` matching text case-insensitively. Records each request's query.
 */
function fakeApi(stored: readonly Message[]) {
  const queries: URLSearchParams[] = [];
  const client = createRestClient({
    baseUrl: "http://maestro.test",
    token: "t",
    fetch: async (input) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      queries.push(url.searchParams);
      const limit = Number(url.searchParams.get("limit") ?? 50);
      const before = url.searchParams.get("before");
      const q = url.searchParams.get("q")?.toLowerCase();
      const end = before === null ? stored.length : stored.findIndex((message) => message.id === before);
      const older = stored
        .slice(0, end)
        .filter((message) => q === undefined || JSON.stringify(message.content).toLowerCase().includes(q))
        .reverse();
      const data = older.slice(0, limit);
      const last = data.at(-1);
      return Response.json({ data, next_before: older.length > limit && last !== undefined ? last.id : null });
    },
  });
  return { client, queries };
}

/** The numbers of the "message n" texts printed, in the order printed. */
const printedNumbers = (text: string) => [...text.matchAll(/^message (\d+)$/gm)].map((match) => Number(match[1]));

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => from + index);

beforeEach(() => {
  // Times print in local time; pinned so the expected headers hold on any machine.
  vi.stubEnv("TZ", "UTC");
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("maestro history", () => {
  const session = SAMPLE_SESSION.id;
  const long = range(0, 450).map((index) => numbered(index));

  it("pages through the whole history, 200 at a time, and prints it oldest first", async () => {
    const api = fakeApi(long);
    const printed = capture();
    expect(await showHistory(api.client, session, {}, printed.output)).toBe(0);
    expect(api.queries.map((query) => [query.get("limit"), query.get("before")])).toEqual([
      ["200", null],
      ["200", long[250]?.id],
      ["200", long[50]?.id],
    ]);
    expect(printedNumbers(printed.out())).toEqual(range(0, 450));
    expect(printed.out()).toMatch(
      /^2026-11-24 19:00:00 {2}user\nmessage 0\n\n2026-11-24 19:01:00 {2}assistant · claude-sonnet-4-5\nmessage 1\n/,
    );
    expect(printed.err()).toBe("");
  });

  it("with --limit prints only the newest n, still oldest first, asking for no more than it needs", async () => {
    const api = fakeApi(long);
    const printed = capture();
    expect(await showHistory(api.client, session, { limit: 250 }, printed.output)).toBe(0);
    expect(api.queries.map((query) => query.get("limit"))).toEqual(["200", "50"]);
    expect(printedNumbers(printed.out())).toEqual(range(200, 450));

    const few = fakeApi(long);
    const newest = capture();
    await showHistory(few.client, session, { limit: 3 }, newest.output);
    expect(few.queries.map((query) => query.get("limit"))).toEqual(["3"]);
    expect(printedNumbers(newest.out())).toEqual([447, 448, 449]);
  });

  it("with --search asks the API for the matches and prints them; says so when none match", async () => {
    const api = fakeApi(long);
    const printed = capture();
    expect(await showHistory(api.client, session, { search: "MESSAGE 44" }, printed.output)).toBe(0);
    expect(api.queries[0]?.get("q")).toBe("MESSAGE 44");
    expect(printedNumbers(printed.out())).toEqual([44, ...range(440, 450)]);

    const none = capture();
    expect(await showHistory(fakeApi(long).client, session, { search: "parser" }, none.output)).toBe(0);
    expect(none.out()).toBe("");
    expect(none.err()).toBe('No messages match "parser".\n');
  });

  it("prints thinking, tool calls, cut tool results, stop notices and a compaction's divider and summary", async () => {
    const output = range(1, 21)
      .map((line) => `line ${line}`)
      .join("\n");
    const messages = [
      numbered(0, { role: "assistant", content: SAMPLE_MESSAGE.content, stop_reason: "tool_use" }),
      numbered(1, { role: "tool", content: [{ type: "tool_result", call_id: SAMPLE_CALL_ID, name: "bash", ok: true, output }] }),
      numbered(2, {
        role: "compaction",
        content: [
          {
            type: "compaction",
            trigger: "auto",
            pruned_through: null,
            summarized_through: numbered(1).id,
            summary: "The user is refactoring the parser.\nTests pass.",
            tokens_before: 171_000,
            tokens_after: 12_000,
          },
        ],
      }),
      numbered(3, { stop_reason: "max_tokens", content: [{ type: "text", text: "Cut short" }] }),
    ];
    const printed = capture();
    expect(await showHistory(fakeApi(messages).client, session, {}, printed.output)).toBe(0);
    expect(printed.out()).toBe(
      [
        "2026-11-24 19:00:00  assistant · claude-sonnet-4-5",
        "▸ thinking",
        "  Look first.",
        "Reading it.",
        '→ read_file({"path":"a.ts"})',
        "← read_file failed (PATH_OUTSIDE_ROOTS): outside",
        "",
        "2026-11-24 19:01:00  tool",
        "← bash: line 1",
        ...range(2, 7).map((line) => `  line ${line}`),
        "  … (14 more lines)",
        "",
        "2026-11-24 19:02:00  ── earlier turns summarised for the model (171k → 12k tokens) ──",
        "The user is refactoring the parser.",
        "Tests pass.",
        "",
        "2026-11-24 19:03:00  assistant · claude-sonnet-4-5",
        "Cut short",
        "Stopped at the output limit.",
        "",
      ].join("\n"),
    );
  });

  it("with --json prints the messages as one array, oldest first", async () => {
    const messages = long.slice(0, 5);
    const printed = capture();
    expect(await showHistory(fakeApi(messages).client, session, { json: true }, printed.output)).toBe(0);
    expect(JSON.parse(printed.out())).toEqual(messages);
  });

  it("reports an unknown session with the API's reason, exit 1", async () => {
    const client = createRestClient({
      baseUrl: "http://maestro.test",
      token: "t",
      fetch: async () => Response.json({ error: { code: "SESSION_NOT_FOUND", message: "No session with that id." } }, { status: 404 }),
    });
    const printed = capture();
    expect(await showHistory(client, session, {}, printed.output)).toBe(1);
    expect(printed.err()).toBe("Could not read the history: No session with that id.\n");
    expect(printed.out()).toBe("");
  });

  it.each([
    [[], ""],
    [["not-an-id"], '"not-an-id" is not a session id'],
    [[session, "--limit", "0"], "--limit takes a whole number"],
    [[session, "--search", " "], "--search takes some text"],
  ])("answers %j with the usage, exit 2", async (args, problem) => {
    const home = await mkdtemp(join(tmpdir(), "maestro-history-"));
    try {
      vi.stubEnv("XDG_CONFIG_HOME", home);
      await saveConfig({ url: "http://127.0.0.1:9", token: "t" }, join(home, "maestro", "config.json"));
      const printed = capture();
      expect(await main(["history", ...args], printed.output)).toBe(2);
      expect(printed.err()).toContain(problem);
      expect(printed.err()).toContain("maestro history <id> [--search <text>]");
      expect(printed.out()).toBe("");
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
