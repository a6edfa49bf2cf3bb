/**
 * Benchmark (issue 12 §6): the time to assemble a turn's history — what a session reads from
 * Postgres when its object starts (`conversationSinceSummary`) and what it builds from memory
 * before every request (`toConversation`) — for sessions of 10, 100 and 2,000 messages. Since
 * issue 15, also what the provider does with that history before the request leaves (its body,
 * encoding, the wire rules' check, the exchange record: Anthropic's, as every provider shares the
 * rest), and what writing the answer's record (its raw request, as JSON) costs after. The long
 * one has the compactions a real long session has (a summary every 50 messages), so what a turn
 * reads stays about the size of the model's window however long the session grows. For contrast,
 * the same 2,000 messages without any compaction: what reading everything would cost.
 *
 *   npm run bench:history -- [--runs 200]
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import type { ContentPart, ConversationId, MessageId, SessionId, TurnId } from "@maestro/protocol";
import { Pool } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import { branchSinceSummary } from "../worker/src/db/queries/branches.ts";
import { insertMessage } from "../worker/src/db/queries/messages.ts";
import * as schema from "../worker/src/db/schema.ts";
import { toConversation } from "../worker/src/session/history.ts";
import type { ConversationMessage, ProviderExchange } from "../worker/src/providers/provider.ts";
import { providerFor } from "../worker/src/providers/registry.ts";
import { configureNeonForNode } from "../worker/local/neon-node.ts";
import { startLocalStack } from "../worker/local/stack.ts";
import { fixed, summarize } from "./stats.ts";

const { values: flags } = parseArgs({ options: { runs: { type: "string", default: "200" } } });
const RUNS = Number(flags.runs);
const WARMUP = 10;
/** A tool result of a few kilobytes, as a file read gives. */
const OUTPUT = "const answer = 42; // a line of a source file\n".repeat(60);

const stack = await startLocalStack({ upstashToken: randomUUID() });
configureNeonForNode(stack.wsProxyPort);
const pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
const db = drizzle({ client: pool, schema, casing: "snake_case" });

/** A session of `count` messages in turns of four (ask, call, result, answer); a summary every `every`. */
async function seed(count: number, every: number | null): Promise<MessageId | null> {
  const [session] = await db
    .insert(schema.sessions)
    .values({ title: `bench ${count}`, provider: "anthropic", model: "claude-sonnet-4-5" })
    .returning({ id: schema.sessions.id });
  const sessionId = session?.id as SessionId;
  const [conversation] = await db.insert(schema.conversations).values({ sessionId }).returning({ id: schema.conversations.id });
  const conversationId = conversation?.id as ConversationId;
  const turnId = randomUUID() as TurnId;
  let at = Date.now() - count * 1000;
  let lastId: MessageId | undefined;
  const store = async (role: "user" | "assistant" | "tool" | "compaction", content: ContentPart[]) => {
    const id = randomUUID() as MessageId;
    await insertMessage(db, {
      id,
      sessionId,
      conversationId,
      parentId: lastId ?? null,
      turnId,
      role,
      content,
      createdAt: new Date((at += 1000)),
    });
    lastId = id;
  };
  for (let index = 0; index < count; index += 4) {
    const callId = `call_${index}` as never;
    await store("user", [{ type: "text", text: `Read file ${index}.` }]);
    await store("assistant", [{ type: "tool_call", call_id: callId, name: "read_file", args: { path: `f${index}.ts` } }]);
    await store("tool", [{ type: "tool_result", call_id: callId, name: "read_file", ok: true, output: OUTPUT }]);
    await store("assistant", [{ type: "text", text: `File ${index} read.` }]);
    if (every !== null && (index + 4) % every === 0 && index + 4 < count) {
      const summary = `Summary of the first ${index + 4} messages: files 0 to ${index} were read.`;
      await store("compaction", [
        {
          type: "compaction",
          trigger: "auto",
          pruned_through: lastId ?? null,
          summarized_through: lastId ?? null,
          summary,
          tokens_before: 0,
          tokens_after: 0,
        },
      ]);
    }
  }
  return lastId ?? null;
}

async function time(work: () => unknown): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < RUNS + WARMUP; index += 1) {
    const started = performance.now();
    await work();
    if (index >= WARMUP) times.push(performance.now() - started);
  }
  return times;
}

/** Until the provider calls fetch: what a model call does with its history before the request leaves. */
async function untilRequestLeaves(messages: readonly ConversationMessage[], exchange: ProviderExchange): Promise<number> {
  const request = { model: "claude-sonnet-4-5", system: "You are a coding assistant.", messages, tools: [] };
  const controller = new AbortController();
  let left = 0;
  const fetcher = async (): Promise<Response> => {
    left = performance.now();
    controller.abort();
    throw new Error("measured");
  };
  const started = performance.now();
  const context = { credential: { apiKey: KEY, baseUrl: null }, signal: controller.signal, fetch: fetcher, sessionKey: "bench", exchange };
  for await (const _event of providerFor("anthropic").stream(request, context));
  return left - started;
}
const KEY = "sk-ant-bench-0000000000000000";

const cases = [
  { label: "12 messages", leaf: await seed(12, null) },
  { label: "100 messages", leaf: await seed(100, null) },
  { label: "2,000 messages, compacted", leaf: await seed(2000, 48) },
  { label: "2,000 messages, never compacted", leaf: await seed(2000, null) },
];

const rows: string[] = [];
for (const { label, leaf } of cases) {
  const loaded = await branchSinceSummary(db, leaf);
  const cold = summarize(await time(() => branchSinceSummary(db, leaf)));
  const warm = summarize(await time(() => toConversation(loaded)));
  const conversation = toConversation(loaded);
  const leaving: number[] = [];
  const recording: number[] = [];
  let bodyChars = 0;
  await time(async () => {
    const exchange: ProviderExchange = {};
    leaving.push(await untilRequestLeaves(conversation, exchange));
    const started = performance.now();
    bodyChars = JSON.stringify(exchange.request).length;
    recording.push(performance.now() - started);
  });
  const leaves = summarize(leaving.slice(WARMUP));
  const records = summarize(recording.slice(WARMUP));
  rows.push(
    `| ${label} | ${loaded.length} | ${fixed(cold.p50)} / ${fixed(cold.p99)} ms | ${fixed(warm.p50, 3)} / ${fixed(warm.p99, 3)} ms | ` +
      `${Math.round(bodyChars / 1024)} KB | ${fixed(leaves.p50)} / ${fixed(leaves.p99)} ms | ${fixed(records.p50)} / ${fixed(records.p99)} ms |`,
  );
}

process.stdout.write(
  [
    `history assembly, ${RUNS} runs each (p50 / p99)`,
    "| session | messages read | load from Postgres (object start) | build the request's history (every request) | request | the provider, until the request leaves | the answer's raw request, written |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n"),
);
await pool.end();
await stack.close();
