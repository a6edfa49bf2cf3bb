/**
 * The full-text search column of `messages`: a generated `tsvector` over the words a person could
 * read in a message (text, thinking, refusals, tool names, argument values, tool output, compaction
 * summaries), never signatures, ids, encrypted reasoning or the JSON's own keys. Postgres computes
 * it with two IMMUTABLE SQL functions that migration 0006 creates (see its header); this module
 * only names them for the schema and the search queries.
 */
import { type SQL, sql } from "drizzle-orm";
import { type AnyPgColumn, customType } from "drizzle-orm/pg-core";

/** The dictionary every search uses: English stemming ("running" finds "run") and stop words. */
export const SEARCH_CONFIG = sql.raw("'english'::regconfig");

/** A `tsvector` column. Its value is Postgres' business; nothing in JS reads or writes it. */
export const tsvector = customType<{ data: string; driverData: string }>({ dataType: () => "tsvector" });

/** The readable text of a message's stored content (JSON text), as search and highlighting see it. */
export const MESSAGE_SEARCH_TEXT = (content: AnyPgColumn | SQL): SQL => sql`maestro_message_search_text(${content})`;
