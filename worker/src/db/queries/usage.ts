/** Tokens and cost from messages, summed over a date range and grouped as asked. */
import { type UsageGroup, type UsageReport, UsageReportSchema } from "@maestro/protocol";
import { and, eq, gte, isNotNull, lt, sql, type SQL } from "drizzle-orm";
import type { Database } from "../client.ts";
import { decodeText } from "../safe-text.ts";
import { messages } from "../schema.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

const groupColumns: Record<UsageGroup, SQL> = {
  day: sql`to_char(${messages.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`,
  provider: sql`${messages.provider}`,
  model: sql`${messages.model}`,
};

/** How each group key reads back: the model column holds safeText's escaped form. */
const groupDecoders: Record<UsageGroup, (value: unknown) => string> = {
  day: String,
  provider: String,
  model: (value) => decodeText(String(value)),
};

export async function usageReport(db: Database, range: { from: string; to: string }, groupBy: UsageGroup[]): Promise<UsageReport> {
  const start = new Date(`${range.from}T00:00:00.000Z`);
  const end = new Date(new Date(`${range.to}T00:00:00.000Z`).getTime() + DAY_MS);
  const sums = {
    messages: sql<string>`count(*)`,
    input_tokens: sql<string>`coalesce(sum(${messages.inputTokens}), 0)`,
    output_tokens: sql<string>`coalesce(sum(${messages.outputTokens}), 0)`,
    cache_read_tokens: sql<string>`coalesce(sum(${messages.cacheReadTokens}), 0)`,
    cache_write_tokens: sql<string>`coalesce(sum(${messages.cacheWriteTokens}), 0)`,
    cost_usd: sql<string>`coalesce(sum(${messages.totalCostUsd}), 0)`,
  };
  const keys = Object.fromEntries(groupBy.map((group) => [group, groupColumns[group].mapWith(groupDecoders[group])]));
  // Model calls only — answers and compaction summaries that name their provider and model — and
  // only where they were made: a fork's or an import's copies were paid for in their first session.
  const where = and(
    gte(messages.createdAt, start),
    lt(messages.createdAt, end),
    sql`${messages.role} in ('assistant', 'compaction')`,
    eq(messages.isCopy, false),
    isNotNull(messages.provider),
    isNotNull(messages.model),
  );
  const grouped = groupBy.map((group) => groupColumns[group]);
  const rows = await db
    .select({ ...keys, ...sums })
    .from(messages)
    .where(where)
    .groupBy(...grouped)
    .orderBy(...grouped);
  const numbers = (row: Record<string, unknown>) => ({
    messages: Number(row.messages),
    input_tokens: Number(row.input_tokens),
    output_tokens: Number(row.output_tokens),
    cache_read_tokens: Number(row.cache_read_tokens),
    cache_write_tokens: Number(row.cache_write_tokens),
    cost_usd: Number(row.cost_usd),
  });
  const [totals] = await db.select(sums).from(messages).where(where);
  return UsageReportSchema.parse({
    from: range.from,
    to: range.to,
    group_by: groupBy,
    rows: rows.map((row) => ({ ...Object.fromEntries(groupBy.map((group) => [group, row[group as keyof typeof row]])), ...numbers(row) })),
    totals: numbers(totals ?? {}),
  });
}
