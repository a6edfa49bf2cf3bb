/**
 * Full-text search over every message (GET /search): the generated `messages.search` vector
 * (search-vector.ts, migration 0006) matched through its GIN index, ranked, with the words around
 * each match cut into plain and matching segments. Nothing here builds markup.
 */
import {
  type MessageId,
  type MessageRole,
  type ProviderId,
  type Result,
  type SearchHit,
  type SessionId,
  type SnippetSegment,
  err,
  ok,
} from "@maestro/protocol";
import { type SQL, and, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { decodeText, encodeText } from "../safe-text.ts";
import { MESSAGE_SEARCH_TEXT, SEARCH_CONFIG } from "../search-vector.ts";

export interface SearchFilters {
  readonly q: string;
  readonly sessionId?: SessionId | undefined;
  readonly provider?: ProviderId | undefined;
  readonly model?: string | undefined;
  readonly role?: MessageRole | undefined;
  /** Inclusive bounds. */
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
}

export interface SearchPage {
  readonly hits: SearchHit[];
  readonly nextCursor: MessageId | null;
}

/** `no_terms`: the query has no word Postgres indexes (only stop words such as "the", or punctuation). */
export type SearchFailure = "no_terms" | "cursor_unknown";

// ts_headline marks matches with these; they are removed from the text first, so any left in its
// output are ours. Control characters, so no markup ever reaches a client.
const START = "\u0001";
const STOP = "\u0002";
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

interface HitRow extends Record<string, unknown> {
  id: string;
  session_id: string;
  title: string;
  role: MessageRole;
  provider: ProviderId;
  model: string;
  created_at: string;
  rank: number | string;
  headline: string;
}

/** ts_headline's marked-up text as segments: odd pieces between the markers are the matches. */
export function toSegments(headline: string): SnippetSegment[] {
  const segments: SnippetSegment[] = [];
  for (const [index, piece] of headline.split(new RegExp(`[${START}${STOP}]`)).entries()) {
    if (piece.length === 0) continue;
    const hit = index % 2 === 1;
    const last = segments.at(-1);
    // Adjacent matches ("keeper's lamp" both matching) read as one highlight only when joined by nothing.
    if (last !== undefined && last.hit === hit) segments[segments.length - 1] = { text: last.text + piece, hit };
    else segments.push({ text: piece, hit });
  }
  return segments;
}

function filtersSql(filters: SearchFilters): SQL | undefined {
  return and(
    filters.sessionId === undefined ? undefined : sql`m.session_id = ${filters.sessionId}`,
    filters.provider === undefined ? undefined : sql`coalesce(m.provider, s.provider) = ${filters.provider}`,
    filters.model === undefined ? undefined : sql`coalesce(m.model, s.model) = ${encodeText(filters.model)}`,
    filters.role === undefined ? undefined : sql`m.role = ${filters.role}`,
    filters.from === undefined ? undefined : sql`m.created_at >= ${filters.from.toISOString()}::timestamptz`,
    filters.to === undefined ? undefined : sql`m.created_at <= ${filters.to.toISOString()}::timestamptz`,
  );
}

// Written out, not joined from a CTE: a constant tsquery is what lets the planner use the GIN index.
const terms = (q: string) => sql`websearch_to_tsquery(${SEARCH_CONFIG}, ${q})`;
const rank = (q: string) => sql`ts_rank_cd(m.search, ${terms(q)}, 1)`;

/** Filters on the session (its provider or model) need it joined while matching; the others do not. */
const needsSession = (filters: SearchFilters) => filters.provider !== undefined || filters.model !== undefined;

/**
 * The statement behind a page. Matching (through the GIN index), filtering, ranking and ordering
 * carry only ids, ranks and times, so sorting thousands of matches stays narrow; the page's few
 * rows are then joined to their content and session, and only they get a headline (which reads
 * and parses the whole message). `after` is the cursor's condition. Exported for the benchmark.
 */
export function searchStatement(filters: SearchFilters, limit: number, after?: SQL): SQL {
  return sql`
    with page as (
      select m.id, m.created_at, ${rank(filters.q)} as rank
      from messages m ${needsSession(filters) ? sql`join sessions s on s.id = m.session_id` : sql``}
      where m.search @@ ${terms(filters.q)} and ${and(filtersSql(filters), after) ?? sql`true`}
      order by rank desc, m.created_at desc, m.id desc
      limit ${limit}
    )
    select m.id, m.session_id, s.title, m.role, coalesce(m.provider, s.provider) as provider, coalesce(m.model, s.model) as model,
           to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at,
           page.rank::float8 as rank,
           ts_headline(${SEARCH_CONFIG}, translate(${MESSAGE_SEARCH_TEXT(sql`m.content`)}, ${START + STOP}, ''), ${terms(filters.q)}, ${HEADLINE_OPTIONS}) as headline
    from page join messages m on m.id = page.id join sessions s on s.id = m.session_id
    order by page.rank desc, page.created_at desc, page.id desc`;
}

/**
 * One page of hits, best first: by rank (ts_rank_cd: the query's words close together count most;
 * divided by the log of the message's length so a huge tool output does not outrank a sentence
 * that says the same), then newest, then by id. The cursor is the last hit's message id; its place
 * in that order is recomputed, so pages neither skip nor repeat.
 */
export async function searchMessages(
  db: Database,
  filters: SearchFilters,
  page: { limit: number; cursor?: MessageId | undefined },
): Promise<Result<SearchPage, SearchFailure>> {
  let after: SQL | undefined;
  if (page.cursor !== undefined) {
    const anchor = await db.execute<{ rank: string; created_at: string; id: string }>(
      sql`select ${rank(filters.q)}::text as rank, m.created_at::text as created_at, m.id from messages m where m.id = ${page.cursor}`,
    );
    const found = anchor.rows[0];
    if (found === undefined) return err("cursor_unknown");
    after = sql`(${rank(filters.q)}, m.created_at, m.id) < (${found.rank}::real, ${found.created_at}::timestamptz, ${found.id}::uuid)`;
  }
  const rows = await db.transaction(async (tx) => {
    // For a word in many messages (15 % of them, say) the planner prefers reading the whole table
    // to the GIN index, pricing neither the reading of each row's tsvector from TOAST nor ranking
    // them; through the index it only reads the matches: 2.6x faster at 100,000 messages
    // (bench/README.md). Only for this statement: SET LOCAL ends with the transaction.
    await tx.execute(sql`set local enable_seqscan = off`);
    return (await tx.execute<HitRow>(searchStatement(filters, page.limit + 1, after))).rows;
  });
  if (rows.length === 0 && page.cursor === undefined && !(await hasTerms(db, filters.q))) return err("no_terms");
  const hits = rows.slice(0, page.limit).map(toHit);
  const last = hits.at(-1);
  return ok({ hits, nextCursor: rows.length > page.limit && last !== undefined ? last.message_id : null });
}

async function hasTerms(db: Database, q: string): Promise<boolean> {
  const result = await db.execute<{ nodes: number }>(sql`select numnode(websearch_to_tsquery(${SEARCH_CONFIG}, ${q})) as nodes`);
  return Number(result.rows[0]?.nodes ?? 0) > 0;
}

function toHit(row: HitRow): SearchHit {
  return {
    message_id: row.id as MessageId,
    session_id: row.session_id as SessionId,
    session_title: decodeText(row.title),
    role: row.role,
    provider: row.provider,
    model: decodeText(row.model),
    created_at: row.created_at,
    rank: Number(row.rank),
    snippet: toSegments(row.headline),
  };
}
