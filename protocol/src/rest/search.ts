/**
 * GET /search: full-text search over every stored message of every session — what was said, the
 * thinking shown, tool names, arguments and outputs, compaction summaries — ranked, with the words
 * around each match. Words are matched by their stem ("running" finds "run"); the query language
 * is websearch style: `"exact phrase"`, `-excluded`, `either or other`.
 */
import { z } from "zod";
import { ProviderIdSchema, TimestampSchema } from "../common.ts";
import { MessageIdSchema, SessionIdSchema } from "../ids.ts";
import { MessageRoleSchema } from "./messages.ts";

export const MAX_SEARCH_QUERY = 500;

/** A day (`2026-12-01`, UTC) or an instant with its offset (`2026-12-01T09:30:00Z`). */
const SearchTimeSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const SearchQuerySchema = z
  .strictObject({
    q: z.string().trim().min(1, "q must not be empty").max(MAX_SEARCH_QUERY),
    session_id: SessionIdSchema.optional(),
    provider: ProviderIdSchema.optional(),
    /** The exact model id (an answer's own model; for the user's and tools' messages, the session's). */
    model: z.string().trim().min(1).max(200).optional(),
    role: MessageRoleSchema.optional(),
    /** Messages at or after this (a day means its start, UTC). */
    from: SearchTimeSchema.optional(),
    /** Messages at or before this (a day means up to its end, UTC). */
    to: SearchTimeSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    /** `next_cursor` of the previous page. */
    cursor: MessageIdSchema.optional(),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from.slice(0, 10) <= query.to.slice(0, 10), {
    message: "from must not be after to",
    path: ["from"],
  });
export type SearchQuery = z.infer<typeof SearchQuerySchema>;

/**
 * The words around a match, in order: `hit` segments are the matching words, to be highlighted.
 * Plain text, never markup: a client renders each segment as text.
 */
export const SnippetSegmentSchema = z.object({ text: z.string(), hit: z.boolean() });
export type SnippetSegment = z.infer<typeof SnippetSegmentSchema>;

export const SearchHitSchema = z.object({
  message_id: MessageIdSchema,
  session_id: SessionIdSchema,
  session_title: z.string(),
  role: MessageRoleSchema,
  /** The answer's own provider and model; for the user's and tools' messages, the session's. */
  provider: ProviderIdSchema,
  model: z.string(),
  created_at: TimestampSchema,
  /** Higher is better; only comparable within one search. */
  rank: z.number().nonnegative(),
  snippet: z.array(SnippetSegmentSchema),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

/** Best match first (then newest); `next_cursor` asks for the page after this one, null at the end. */
export const SearchResultsSchema = z.object({
  data: z.array(SearchHitSchema),
  next_cursor: MessageIdSchema.nullable(),
});
export type SearchResults = z.infer<typeof SearchResultsSchema>;
