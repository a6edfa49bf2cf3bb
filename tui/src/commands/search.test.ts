// Proves: `maestro search` sends the words and filters to GET /search, prints each hit as where it
// is (session title, role, model, local time), the snippet on one line with the matching words in
// bold inverse on a terminal (plain in a pipe), and the session and message ids; it pages by
// cursor up to --limit; --json prints the hits; no hit says so; a refusal (a query of only common
// words) is the API's reason and exit 1; bad arguments are the usage and exit 2; --since reads
// days, instants and times ago.
import { type SearchHit, SearchHitSchema, createRestClient } from "@maestro/protocol";
import { SAMPLE_SESSION } from "@maestro/protocol/testing";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { saveConfig } from "../config.ts";
import { main } from "../main.ts";
import { searchMessages, sinceInstant } from "./search.ts";
import { capture } from "./capture-output.ts";

function hit(index: number): SearchHit {
  return SearchHitSchema.parse({
    message_id: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
    session_id: SAMPLE_SESSION.id,
    session_title: "Parser work",
    role: index % 2 === 0 ? "user" : "assistant",
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    created_at: "2026-11-24T19:00:00.000Z",
    rank: 1 / (index + 1),
    snippet: [
      { text: "we were ", hit: false },
      { text: "running", hit: true },
      { text: " the\nparser ", hit: false },
      { text: `#${index}`, hit: false },
    ],
  });
}

/** GET /search over `count` hits, `limit` at a time, the cursor being the last id; records each query. */
function fakeApi(count: number, refuse?: { status: number; body: unknown }) {
  const queries: URLSearchParams[] = [];
  const all = Array.from({ length: count }, (_, index) => hit(index));
  const client = createRestClient({
    baseUrl: "http://maestro.test",
    token: "t",
    fetch: async (input) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      queries.push(url.searchParams);
      if (refuse !== undefined) return Response.json(refuse.body, { status: refuse.status });
      const limit = Number(url.searchParams.get("limit") ?? 20);
      const cursor = url.searchParams.get("cursor");
      const start = cursor === null ? 0 : all.findIndex((each) => each.message_id === cursor) + 1;
      const data = all.slice(start, start + limit);
      const more = start + limit < all.length;
      return Response.json({ data, next_cursor: more ? (data.at(-1)?.message_id ?? null) : null });
    },
  });
  return { client, queries };
}

beforeEach(() => vi.stubEnv("TZ", "UTC"));
afterEach(() => vi.unstubAllEnvs());

describe("maestro search", () => {
  it("sends the words and filters, and prints each hit with its place, snippet and ids", async () => {
    const api = fakeApi(2);
    const printed = capture();
    const options = {
      session: SAMPLE_SESSION.id,
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      role: "user",
      since: "2026-11-01",
    } as const;
    expect(await searchMessages(api.client, "run parser", options, printed.output)).toBe(0);
    expect(Object.fromEntries(api.queries[0] ?? [])).toEqual({
      q: "run parser",
      session_id: SAMPLE_SESSION.id,
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      role: "user",
      from: "2026-11-01",
      limit: "20",
    });
    expect(printed.out()).toBe(
      [
        "Parser work · user · claude-sonnet-4-5 · 2026-11-24 19:00",
        "  we were running the parser #0",
        `  session ${SAMPLE_SESSION.id}  message 00000000-0000-4000-8000-000000000000`,
        "",
        "Parser work · assistant · claude-sonnet-4-5 · 2026-11-24 19:00",
        "  we were running the parser #1",
        `  session ${SAMPLE_SESSION.id}  message 00000000-0000-4000-8000-000000000001`,
        "",
      ].join("\n"),
    );
  });

  it("highlights the matching words in bold inverse on a terminal", async () => {
    const printed = capture();
    await searchMessages(fakeApi(1).client, "run", { color: true }, printed.output);
    expect(printed.out()).toContain("  we were \x1b[1m\x1b[7mrunning\x1b[27m\x1b[22m the parser #0\n");
    expect(printed.out()).toContain(`\x1b[2m  session ${SAMPLE_SESSION.id}`);
  });

  it("pages by cursor up to --limit, asking for no more than it needs", async () => {
    const api = fakeApi(250);
    const printed = capture();
    await searchMessages(api.client, "parser", { limit: 150 }, printed.output);
    expect(api.queries.map((query) => [query.get("limit"), query.get("cursor")])).toEqual([
      ["100", null],
      ["50", hit(99).message_id],
    ]);
    expect(printed.out().match(/^Parser work/gm)).toHaveLength(150);
  });

  it("prints the hits as JSON with --json; says so when nothing matches", async () => {
    const printed = capture();
    await searchMessages(fakeApi(3).client, "parser", { json: true }, printed.output);
    expect(JSON.parse(printed.out())).toEqual([hit(0), hit(1), hit(2)]);
    const none = capture();
    expect(await searchMessages(fakeApi(0).client, "nowhere", {}, none.output)).toBe(0);
    expect(none.out()).toBe("");
    expect(none.err()).toBe('No messages match "nowhere".\n');
  });

  it("reports a refused query with the API's reason, exit 1", async () => {
    const body = { error: { code: "INVALID_REQUEST", message: "Nothing to search for: the query has only words too common to index." } };
    const printed = capture();
    expect(await searchMessages(fakeApi(0, { status: 400, body }).client, "the", {}, printed.output)).toBe(1);
    expect(printed.err()).toBe("Could not search: Nothing to search for: the query has only words too common to index.\n");
  });

  it("reads --since as a day, an instant or a time ago", () => {
    const now = Date.parse("2026-12-04T12:00:00Z");
    expect(sinceInstant("7d", now)).toBe("2026-11-27T12:00:00.000Z");
    expect(sinceInstant("12h", now)).toBe("2026-12-04T00:00:00.000Z");
    expect(sinceInstant("30m", now)).toBe("2026-12-04T11:30:00.000Z");
    expect(sinceInstant("2w", now)).toBe("2026-11-20T12:00:00.000Z");
    expect(sinceInstant("2026-12-01")).toBe("2026-12-01");
    expect(sinceInstant("2026-12-01T09:00:00+01:00")).toBe("2026-12-01T08:00:00.000Z");
    expect(sinceInstant("yesterday")).toBeUndefined();
    expect(sinceInstant("2026-13-45")).toBeUndefined();
  });

  it.each([
    [["search"], ""],
    [["search", "x", "--session", "nope"], '"nope" is not a session id.'],
    [["search", "x", "--provider", "acme"], 'Unknown provider "acme".'],
    [["search", "x", "--role", "robot"], 'Unknown role "robot".'],
    [["search", "x", "--since", "soon"], "--since takes a day"],
    [["search", "x", "--limit", "0"], "--limit takes a whole number"],
  ])("answers %j with the usage, exit 2", async (argv, problem) => {
    const home = await mkdtemp(join(tmpdir(), "maestro-search-"));
    try {
      vi.stubEnv("XDG_CONFIG_HOME", home);
      await saveConfig({ url: "http://127.0.0.1:9", token: "t" }, join(home, "maestro", "config.json"));
      const printed = capture();
      expect(await main(argv, printed.output)).toBe(2);
      expect(printed.err()).toContain(problem);
      expect(printed.err()).toContain("maestro search <words>");
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
