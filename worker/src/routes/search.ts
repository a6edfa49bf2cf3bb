/** /search: full-text search over every session's messages (queries/search.ts), ranked, with snippets. */
import { createRoute } from "@hono/zod-openapi";
import { SearchQuerySchema, SearchResultsSchema } from "@maestro/protocol";
import { searchMessages } from "../db/queries/search.ts";
import { AppError } from "../errors.ts";
import { createRouter, errorResponses, jsonResponse } from "./openapi.ts";

/** A day means its start (`from`) or its end (`to`), in UTC; an instant means itself. */
function bound(value: string | undefined, edge: "start" | "end"): Date | undefined {
  if (value === undefined) return undefined;
  if (value.length > 10) return new Date(value);
  return new Date(`${value}T${edge === "start" ? "00:00:00.000" : "23:59:59.999"}Z`);
}

const FAILURES = {
  no_terms: () =>
    new AppError("INVALID_REQUEST", "Nothing to search for: the query has only words too common to index (such as “the”).", {
      fields: [{ field: "q", message: "has only words too common to search for (such as “the” or “and”); add a less common word" }],
    }),
  cursor_unknown: () =>
    new AppError("INVALID_REQUEST", "Invalid query: cursor is not a message id from a previous page.", {
      fields: [{ field: "cursor", message: "no message with that id" }],
    }),
} as const;

export const search = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/",
    summary: "Search every session's messages: what was said, thinking, tool calls and results, summaries",
    description:
      'Words match by their stem (`running` finds `run`), in websearch syntax: `"exact phrase"`, `-excluded`, `this or that`. ' +
      "Best match first; each hit has the words around the match as `snippet` segments, `hit: true` on the matching ones. " +
      "Pass `next_cursor` as `cursor` for the next page. A query of only stop words (`the`) is refused (400, field `q`).",
    request: { query: SearchQuerySchema },
    responses: { 200: jsonResponse(SearchResultsSchema, "One page of hits"), ...errorResponses(400, 401) },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const result = await searchMessages(
      c.var.services.db,
      {
        q: query.q,
        sessionId: query.session_id,
        provider: query.provider,
        model: query.model,
        role: query.role,
        from: bound(query.from, "start"),
        to: bound(query.to, "end"),
      },
      { limit: query.limit, cursor: query.cursor },
    );
    if (!result.ok) throw FAILURES[result.error]();
    return c.json({ data: result.value.hits, next_cursor: result.value.nextCursor }, 200);
  },
);
