/**
 * Benchmark (issue 13): full-text search over 100,000 stored messages. Seeds 200 sessions of 500
 * messages (turns of four: ask, tool call, tool result of ~1 KB, answer; words drawn Zipf-like
 * from a vocabulary, plus planted words of known frequency) into PGlite behind the Neon driver, as
 * `npm run dev` runs it, then times typical searches (`searchMessages`, what GET /search runs:
 * match, rank, headline) with and without filters, and prints each query's plan to show the
 * GIN index (`messages_search_idx`) at work.
 *
 *   npm run bench:search -- [--messages 100000] [--runs 50]
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import type { ContentPart, MessageId, SessionId, ToolCallId } from "@maestro/protocol";
import { Pool } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-serverless";
import { type SearchFilters, searchMessages, searchStatement } from "../worker/src/db/queries/search.ts";
import * as schema from "../worker/src/db/schema.ts";
import { configureNeonForNode } from "../worker/local/neon-node.ts";
import { startLocalStack } from "../worker/local/stack.ts";
import { fixed, summarize } from "./stats.ts";

const { values: flags } = parseArgs({
  options: { messages: { type: "string", default: "100000" }, runs: { type: "string", default: "50" } },
});
const MESSAGES = Number(flags.messages);
const RUNS = Number(flags.runs);
const WARMUP = 5;
const PER_SESSION = 500;
const BATCH = 500;
const PROVIDERS = [
  ["anthropic", "claude-sonnet-4-5"],
  ["openai", "gpt-4.1"],
  ["openai_responses", "gpt-5"],
  ["gemini", "gemini-2.5-pro"],
] as const;

// A deterministic generator, so every run seeds the same corpus.
let state = 0x2545f491;
function random(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
}

const COMMON =
  "the a to of and in is it that for on with this we be as at by from are was can not have you file function test code error run build change value type return line use new add fix update module call data check output result user request config path server".split(
    " ",
  );
const SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu", "pra", "dri", "shen", "qua", "bel", "tor", "gim", "fan"];
/** 5,000 made-up words on top of the common ones; drawn Zipf-like, so a few are frequent and most rare. */
const VOCABULARY = [
  ...COMMON,
  ...Array.from({ length: 5000 }, () =>
    Array.from({ length: 2 + Math.floor(random() * 3) }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join(""),
  ),
];

function word(): string {
  // Zipf: index ~ 1/rank, via an inverse power of a uniform draw.
  const index = Math.min(VOCABULARY.length - 1, Math.floor(Math.pow(random(), 3) * VOCABULARY.length));
  return VOCABULARY[index] ?? "the";
}

/** `count` words, with each planted word added at its probability. */
function sentence(count: number): string {
  const words = Array.from({ length: count }, word);
  for (const [planted, probability] of PLANTED) if (random() < probability) words.splice(Math.floor(random() * words.length), 0, planted);
  return words.join(" ");
}

/** Words of known frequency (per message), to search for. */
const PLANTED: [string, number][] = [
  ["lighthouse", 0.0005],
  ["parser", 0.05],
  ["failing", 0.02],
  ["running", 0.03],
  ["connection refused", 0.005],
];

const stack = await startLocalStack({ upstashToken: randomUUID() });
configureNeonForNode(stack.wsProxyPort);
const pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
const db = drizzle({ client: pool, schema, casing: "snake_case" });

/** Seeds `MESSAGES` messages; returns the session ids. The newest message is now, the oldest ~70 days ago. */
async function seed(): Promise<SessionId[]> {
  const sessionIds: SessionId[] = [];
  const started = performance.now();
  const newest = Date.now();
  let rows: (typeof schema.messages.$inferInsert)[] = [];
  for (let sessionIndex = 0; sessionIndex * PER_SESSION < MESSAGES; sessionIndex += 1) {
    const [provider, model] = PROVIDERS[sessionIndex % PROVIDERS.length] ?? PROVIDERS[0];
    const [session] = await db
      .insert(schema.sessions)
      .values({ title: `bench ${sessionIndex} ${sentence(3)}`, provider, model })
      .returning({ id: schema.sessions.id });
    const sessionId = session?.id as SessionId;
    sessionIds.push(sessionId);
    const [conversation] = await db.insert(schema.conversations).values({ sessionId }).returning({ id: schema.conversations.id });
    const conversationId = conversation?.id ?? "";
    for (let index = 0; index < PER_SESSION && sessionIndex * PER_SESSION + index < MESSAGES; index += 1) {
      const overall = sessionIndex * PER_SESSION + index;
      const callId = `call_${overall - (index % 4)}` as ToolCallId;
      const turnStep = index % 4;
      const role = (["user", "assistant", "tool", "assistant"] as const)[turnStep] ?? "user";
      const content: ContentPart[] =
        turnStep === 0
          ? [{ type: "text", text: sentence(20) }]
          : turnStep === 1
            ? [
                { type: "thinking", text: sentence(30), signature: randomUUID() },
                { type: "tool_call", call_id: callId, name: "read_file", args: { path: `src/${word()}/${word()}.ts` } },
              ]
            : turnStep === 2
              ? [{ type: "tool_result", call_id: callId, name: "read_file", ok: true, output: sentence(160) }]
              : [{ type: "text", text: sentence(60) }];
      rows.push({
        id: randomUUID(),
        sessionId,
        conversationId,
        role,
        content,
        provider: role === "assistant" ? provider : null,
        model: role === "assistant" ? model : null,
        // Spread over ~70 days, interleaved across sessions.
        createdAt: new Date(newest - (MESSAGES - overall) * 60_000),
      });
      if (rows.length === BATCH) {
        await db.insert(schema.messages).values(rows);
        rows = [];
      }
    }
  }
  if (rows.length > 0) await db.insert(schema.messages).values(rows);
  await db.execute(sql`analyze messages`);
  process.stderr.write(`seeded ${MESSAGES} messages in ${fixed((performance.now() - started) / 1000)} s\n`);
  return sessionIds;
}

async function time(work: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < RUNS + WARMUP; index += 1) {
    const started = performance.now();
    await work();
    if (index >= WARMUP) times.push(performance.now() - started);
  }
  return times;
}

/** The plan of the statement GET /search runs for a first page, one line per node. */
async function plan(filters: SearchFilters): Promise<string> {
  // As searchMessages runs it: with seq scans priced out (see its comment).
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    const result = await tx.execute<{ "QUERY PLAN": string }>(sql`explain ${searchStatement(filters, 21)}`);
    return result.rows.map((row) => row["QUERY PLAN"]).join("\n");
  });
}

const sessionIds = await seed();
const weekAgo = new Date(Date.now() - 7 * 86_400_000);
const cases: { label: string; filters: SearchFilters; pages?: number }[] = [
  { label: "rare word (`lighthouse`)", filters: { q: "lighthouse" } },
  { label: "common word (`parser`)", filters: { q: "parser" } },
  { label: "stemmed (`run` finds running)", filters: { q: "run" } },
  { label: "two words (`failing parser`)", filters: { q: "failing parser" } },
  { label: 'phrase (`"connection refused"`)', filters: { q: '"connection refused"' } },
  { label: "`parser`, provider = gemini", filters: { q: "parser", provider: "gemini" } },
  { label: "`parser`, role = tool", filters: { q: "parser", role: "tool" } },
  { label: "`parser`, one session", filters: { q: "parser", sessionId: sessionIds[7] } },
  { label: "`parser`, last 7 days", filters: { q: "parser", from: weekAgo } },
  { label: "`parser`, page 3 (cursor)", filters: { q: "parser" }, pages: 3 },
];

const rows: string[] = [];
const plans: string[] = [];
for (const { label, filters, pages = 1 } of cases) {
  const first = await searchMessages(db, filters, { limit: 20 });
  if (!first.ok) throw new Error(`${label}: ${first.error}`);
  const hits = (
    await db.execute<{ count: string }>(
      sql`select count(*) from messages where search @@ websearch_to_tsquery('english'::regconfig, ${filters.q})`,
    )
  ).rows[0]?.count;
  // The cursor of the page before the one timed.
  let cursor: MessageId | undefined;
  for (let page = 1; page < pages; page += 1) {
    const result = await searchMessages(db, filters, { limit: 20, cursor });
    if (!result.ok || result.value.nextCursor === null) throw new Error(`${label}: no page ${page + 1}`);
    cursor = result.value.nextCursor;
  }
  const timing = summarize(await time(() => searchMessages(db, filters, { limit: 20, cursor })));
  rows.push(`| ${label} | ${Number(hits).toLocaleString("en")} | ${fixed(timing.p50)} / ${fixed(timing.p99)} ms |`);
  const text = await plan(filters);
  plans.push(`${label}: ${text.includes("messages_search_idx") ? "uses messages_search_idx" : "DOES NOT use the GIN index"}\n${text}`);
}

process.stdout.write(
  [
    `search over ${MESSAGES.toLocaleString("en")} messages, 20 hits a page, ${RUNS} runs each (p50 / p99)`,
    "| query | messages matching the words | one page of hits, ranked, with snippets |",
    "|---|---|---|",
    ...rows,
    "",
    "plans (first page):",
    ...plans,
    "",
  ].join("\n"),
);
await pool.end();
await stack.close();
