// Proves: GET /search's query and answer round-trip, defaults apply, and bad input is refused
// naming the field; a snippet is plain segments (text + hit), never markup.
import { describe, expect, it } from "vitest";
import { toFieldIssues } from "../errors.ts";
import { SAMPLE_MESSAGE, SAMPLE_SESSION } from "../testing/samples.ts";
import { SearchQuerySchema, SearchResultsSchema } from "./search.ts";

describe("search", () => {
  it("reads a query string, with defaults and trimmed words", () => {
    expect(
      SearchQuerySchema.parse({ q: "  lighthouse keeper ", limit: "5", role: "tool", from: "2026-12-01", to: "2026-12-02T10:00:00Z" }),
    ).toEqual({
      q: "lighthouse keeper",
      limit: 5,
      role: "tool",
      from: "2026-12-01",
      to: "2026-12-02T10:00:00Z",
    });
    expect(SearchQuerySchema.parse({ q: "x" })).toEqual({ q: "x", limit: 20 });
  });

  it.each([
    [{}, "q"],
    [{ q: "   " }, "q"],
    [{ q: "x".repeat(501) }, "q"],
    [{ q: "x", role: "robot" }, "role"],
    [{ q: "x", provider: "acme" }, "provider"],
    [{ q: "x", limit: "0" }, "limit"],
    [{ q: "x", session_id: "nope" }, "session_id"],
    [{ q: "x", cursor: "nope" }, "cursor"],
    [{ q: "x", from: "last week" }, "from"],
    [{ q: "x", from: "2026-12-02", to: "2026-12-01" }, "from"],
  ])("refuses %j (field %s)", (query, field) => {
    const result = SearchQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    if (!result.success) expect(toFieldIssues(result.error.issues).map((issue) => issue.field)).toContain(field);
  });

  it("round-trips a page of hits", () => {
    const page = {
      data: [
        {
          message_id: SAMPLE_MESSAGE.id,
          session_id: SAMPLE_SESSION.id,
          session_title: "Parser",
          role: "assistant",
          provider: "anthropic",
          model: "claude-sonnet-4-5",
          created_at: SAMPLE_MESSAGE.created_at,
          rank: 0.25,
          snippet: [
            { text: "the ", hit: false },
            { text: "<b>parser</b>", hit: true },
          ],
        },
      ],
      next_cursor: SAMPLE_MESSAGE.id,
    };
    expect(SearchResultsSchema.parse(JSON.parse(JSON.stringify(page)))).toEqual(page);
  });
});
