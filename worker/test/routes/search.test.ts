// Proves: GET /search finds messages of every session by their words through the generated
// tsvector — stemmed ("running" finds "run"), in text, thinking, tool arguments and results and
// summaries, never in signatures, ids or the stored JSON's keys — ranks them, cuts the words around
// each match into highlighted segments (plain text, no markup), filters by session, provider,
// model, role and time, pages by cursor without skipping or repeating, and refuses bad input
// (an empty or stop-word-only query included) with 400 and the field. The query plan uses the GIN index.
import type { ContentPart, ConversationId, MessageId, SearchResults, ToolCallId } from "@maestro/protocol";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { currentConversationId, insertMessage } from "../../src/db/queries/messages.ts";
import { api, client } from "../helpers/api.ts";
import { withDb } from "../helpers/db.ts";

/** A word no other test writes: letters only, so stemming leaves it alone. */
function marker(): string {
  return `zq${Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => String.fromCharCode(97 + (byte % 26))).join("")}`;
}

type Role = "user" | "assistant" | "tool" | "compaction";

interface Stored {
  readonly role: Role;
  readonly content: ContentPart[];
  readonly provider?: "anthropic" | "openai" | "gemini";
  readonly model?: string;
  readonly at?: Date;
}

/** A session (through the API) holding these messages, a second apart and oldest first; their ids. */
async function sessionWith(
  messages: Stored[],
  session: { provider?: "anthropic" | "openai" | "gemini"; model?: string; title?: string } = {},
) {
  const created = await client().sessions.create({
    provider: session.provider ?? "anthropic",
    model: session.model ?? "claude-sonnet-4-5",
    title: session.title ?? "search test",
  });
  const ids = await withDb(async (db) => {
    const conversationId: ConversationId = await currentConversationId(db, created.id);
    const stored: MessageId[] = [];
    const start = Date.now() - messages.length * 1000;
    for (const [index, message] of messages.entries()) {
      const id = crypto.randomUUID() as MessageId;
      await insertMessage(db, {
        id,
        sessionId: created.id,
        conversationId,
        role: message.role,
        content: message.content,
        provider: message.provider ?? (message.role === "assistant" ? created.provider : null),
        model: message.model ?? (message.role === "assistant" ? created.model : null),
        createdAt: message.at ?? new Date(start + index * 1000),
      });
      stored.push(id);
    }
    return stored;
  });
  return { session: created, ids };
}

const text = (words: string): ContentPart[] => [{ type: "text", text: words }];

async function search(query: Record<string, string | number | undefined>): Promise<SearchResults> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const response = await api(`/search?${params.toString()}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<SearchResults>();
}

const hitIds = (results: SearchResults) => results.data.map((hit) => hit.message_id);
const highlighted = (results: SearchResults, index = 0) => results.data[index]?.snippet.filter((part) => part.hit).map((part) => part.text);

describe("GET /search", () => {
  it("finds words by their stem and highlights them, with the hit's session, role, model and time", async () => {
    const word = marker();
    const { session, ids } = await sessionWith(
      [
        { role: "user", content: text(`The keeper was running up the ${word} stairs every night.`) },
        { role: "assistant", content: text("Nothing to see here.") },
      ],
      { title: "Lighthouse notes" },
    );
    const results = await search({ q: `${word} run` });
    expect(hitIds(results)).toEqual([ids[0]]);
    expect(results.data[0]).toMatchObject({
      message_id: ids[0],
      session_id: session.id,
      session_title: "Lighthouse notes",
      role: "user",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      rank: expect.any(Number),
    });
    expect(highlighted(results)).toEqual(["running", word]);
    expect(results.data[0]?.snippet.map((part) => part.text).join("")).toContain(
      `The keeper was running up the ${word} stairs every night`,
    );
    expect(results.next_cursor).toBeNull();
  });

  it("looks in thinking, tool names, argument values, tool output and summaries, never in signatures, ids or keys", async () => {
    const [said, thought, argument, output, summary, signature, redacted, callId] = Array.from({ length: 8 }, marker);
    const call = `call_${callId}` as ToolCallId;
    const { session, ids } = await sessionWith([
      { role: "user", content: text(`say ${said}`) },
      {
        role: "assistant",
        content: [
          { type: "thinking", text: `I think ${thought}`, signature: `sig ${signature}` },
          { type: "redacted_thinking", data: redacted ?? "" },
          { type: "tool_call", call_id: call, name: "read_file", args: { path: `src/${argument}/parser.ts`, limit: 10 } },
        ],
      },
      { role: "tool", content: [{ type: "tool_result", call_id: call, name: "read_file", ok: true, output: `line one\n${output} found` }] },
      {
        role: "compaction",
        content: [
          {
            type: "compaction",
            trigger: "manual",
            pruned_through: null,
            summarized_through: null,
            summary: `We discussed ${summary}.`,
            tokens_before: 10,
            tokens_after: 5,
          },
        ],
      },
    ]);
    const inSession = (q: string | undefined) => search({ q, session_id: session.id });
    expect(hitIds(await inSession(said))).toEqual([ids[0]]);
    expect(hitIds(await inSession(thought))).toEqual([ids[1]]);
    expect(hitIds(await inSession(argument))).toEqual([ids[1]]);
    expect(hitIds(await inSession(output))).toEqual([ids[2]]);
    expect(hitIds(await inSession(summary))).toEqual([ids[3]]);
    // A path is found by its pieces too; "read_file" by its name.
    expect(hitIds(await inSession(`parser.ts ${argument}`))).toEqual([ids[1]]);
    expect(new Set(hitIds(await inSession("read_file")))).toEqual(new Set([ids[1], ids[2]]));
    for (const hidden of [signature, redacted, callId, call, "call_id", "signature", "summarized_through"])
      expect((await inSession(hidden)).data, hidden).toEqual([]);
  });

  it("ranks the words said together, in a short message, above the same words far apart or in passing", async () => {
    const word = marker();
    const filler = "Some unrelated words about the weather and the sea. ".repeat(40);
    const { session, ids } = await sessionWith([
      { role: "user", content: text(`${filler} ${word} once, and then much later, ${filler} a keeper.`) },
      { role: "user", content: text(`The ${word} keeper is here.`) },
      { role: "user", content: text(`The ${word} has gone; we still need a new lighthouse keeper.`) },
    ]);
    const results = await search({ q: `${word} keeper`, session_id: session.id });
    expect(hitIds(results)).toEqual([ids[1], ids[2], ids[0]]);
    const ranks = results.data.map((hit) => hit.rank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    // A long message is cut to the words around the match, with an ellipsis between fragments.
    const long = results.data[2]?.snippet.map((part) => part.text).join("") ?? "";
    expect(long.length).toBeLessThan(400);
    expect(long).toContain(word);
  });

  it("filters by session, provider, model, role and time", async () => {
    const word = marker();
    const old = new Date("2026-01-15T12:00:00Z");
    const first = await sessionWith(
      [
        { role: "user", content: text(`${word} from the user`), at: old },
        { role: "assistant", content: text(`${word} from claude`), at: new Date(old.getTime() + 1000) },
      ],
      { provider: "anthropic", model: "claude-sonnet-4-5" },
    );
    const second = await sessionWith(
      [
        { role: "user", content: text(`${word} asked of gemini`) },
        { role: "assistant", content: text(`${word} from gemini`) },
      ],
      { provider: "gemini", model: "gemini-2.5-pro" },
    );
    const all = hitIds(await search({ q: word, limit: 10 }));
    expect(new Set(all)).toEqual(new Set([...first.ids, ...second.ids]));
    expect(new Set(hitIds(await search({ q: word, session_id: second.session.id })))).toEqual(new Set(second.ids));
    // The user's messages count as the session's provider and model.
    expect(new Set(hitIds(await search({ q: word, provider: "gemini" })))).toEqual(new Set(second.ids));
    expect(new Set(hitIds(await search({ q: word, model: "claude-sonnet-4-5" })))).toEqual(new Set(first.ids));
    expect(new Set(hitIds(await search({ q: word, role: "assistant" })))).toEqual(new Set([first.ids[1], second.ids[1]]));
    expect(hitIds(await search({ q: word, role: "user", provider: "anthropic" }))).toEqual([first.ids[0]]);
    expect(new Set(hitIds(await search({ q: word, to: "2026-01-15" })))).toEqual(new Set(first.ids));
    expect(hitIds(await search({ q: word, from: "2026-01-15T12:00:00.500Z", to: "2026-01-16" }))).toEqual([first.ids[1]]);
    expect(new Set(hitIds(await search({ q: word, from: "2026-02-01" })))).toEqual(new Set(second.ids));
  });

  it("pages by cursor, best first, without skipping or repeating a hit", async () => {
    const word = marker();
    // Equal ranks throughout: the order falls back to newest first, then id.
    const same = new Date();
    const { ids } = await sessionWith(
      Array.from({ length: 7 }, (_, index) => ({
        role: "user" as const,
        content: text(`${word} ${index % 3 === 0 ? "" : "x"}`),
        at: same,
      })),
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const results = await search({ q: word, limit: 3, cursor });
      seen.push(...hitIds(results));
      if (results.next_cursor === null) break;
      cursor = results.next_cursor;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen).toEqual(hitIds(await search({ q: word, limit: 10 })));
  });

  it("stores and finds messages holding NUL, lone surrogates and escaped-looking text", async () => {
    const word = marker();
    const { session, ids } = await sessionWith([
      { role: "user", content: text(`${word} nul\u0000here and a lone \ud800 surrogate`) },
      {
        role: "tool",
        content: [{ type: "tool_result", call_id: "c1" as ToolCallId, name: "grep", ok: true, output: `${word} \\u0000 literal` }],
      },
    ]);
    expect(new Set(hitIds(await search({ q: word, session_id: session.id })))).toEqual(new Set(ids));
    expect(hitIds(await search({ q: `${word} surrogate`, session_id: session.id }))).toEqual([ids[0]]);
  });

  it("refuses bad input with 400 and the field, and a query of only stop words", async () => {
    const cases: [string, string][] = [
      ["", "q"],
      ["q=%20%20", "q"],
      ["q=the%20and%20of", "q"],
      ["q=x&role=robot", "role"],
      ["q=x&provider=acme", "provider"],
      ["q=x&limit=0", "limit"],
      ["q=x&limit=101", "limit"],
      ["q=x&session_id=nope", "session_id"],
      ["q=x&from=yesterday", "from"],
      ["q=x&from=2026-02-02&to=2026-02-01", "from"],
      [`q=x&cursor=${crypto.randomUUID()}`, "cursor"],
      ["q=x&colour=blue", ""],
    ];
    for (const [query, field] of cases) {
      const response = await api(`/search?${query}`);
      expect(response.status, query).toBe(400);
      const body = await response.json<{ error: { code: string; message: string; fields?: { field: string }[] } }>();
      expect(body.error.code, query).toBe("INVALID_REQUEST");
      if (field !== "")
        expect(
          body.error.fields?.map((each) => each.field),
          query,
        ).toContain(field);
    }
    const stopWords = await (await api("/search?q=the")).json<{ error: { message: string } }>();
    expect(stopWords.error.message).toContain("too common");
    expect((await api("/search?q=x", { token: null })).status).toBe(401);
  });

  it("is in the OpenAPI document, and its plan uses the GIN index", async () => {
    const document = await (await api("/openapi.json")).json<{ paths: Record<string, { get?: { parameters?: { name: string }[] } }> }>();
    const parameters = (document.paths["/search"] ?? document.paths["/search/"])?.get?.parameters?.map((parameter) => parameter.name);
    expect(parameters).toEqual(expect.arrayContaining(["q", "session_id", "provider", "model", "role", "from", "to", "limit", "cursor"]));
    const plan = await withDb(async (db) => {
      await db.execute(sql`set enable_seqscan = off`);
      const result = await db.execute<{ "QUERY PLAN": string }>(
        sql`explain select id from messages where search @@ websearch_to_tsquery('english'::regconfig, 'lighthouse keeper')`,
      );
      return result.rows.map((row) => row["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("messages_search_idx");
  });
});
