/**
 * Search every session's messages: a query box and filters (session, provider, model, role,
 * dates), then the hits, best first, each a link that opens its session at that message. The
 * search lives in the URL (`#/search?q=…`), so Back from a session returns to the same results.
 */
import {
  MAX_SEARCH_QUERY,
  MessageRoleSchema,
  ProviderIdSchema,
  type RestClient,
  type SearchQuery,
  SearchQuerySchema,
  describeFieldIssues,
  toFieldIssues,
} from "@maestro/protocol";
import { type FormEvent, useMemo, useState } from "react";
import { ErrorText } from "../components/ErrorText.tsx";
import { SearchHitList } from "../features/search/SearchHitList.tsx";
import { useSearch } from "../features/search/use-search.ts";
import { searchHref } from "../lib/route.ts";
import { useLoad } from "../lib/use-load.ts";

const FILTERS = ["session_id", "provider", "model", "role", "from", "to"] as const;
type Filter = (typeof FILTERS)[number];
type Draft = Record<"q" | Filter, string>;

function draftOf(params: URLSearchParams): Draft {
  const draft = { q: params.get("q") ?? "" } as Draft;
  for (const filter of FILTERS) draft[filter] = params.get(filter) ?? "";
  return draft;
}

/** The API query the URL asks for (checked with the API's own schema); null while there are no words. */
function queryOf(draft: Draft): { readonly query: SearchQuery | null; readonly problem: string | null } {
  if (draft.q.trim() === "") return { query: null, problem: null };
  const fields: Record<string, string> = { q: draft.q };
  for (const filter of FILTERS) if (draft[filter] !== "") fields[filter] = draft[filter];
  const parsed = SearchQuerySchema.safeParse(fields);
  if (parsed.success) return { query: parsed.data, problem: null };
  return { query: null, problem: describeFieldIssues(toFieldIssues(parsed.error.issues)) };
}

export function SearchPage({ client, params }: { readonly client: RestClient; readonly params: URLSearchParams }) {
  const asked = useMemo(() => draftOf(params), [params]);
  const [draft, setDraft] = useState<Draft>(asked);
  const { query, problem } = useMemo(() => queryOf(asked), [asked]);
  const { state, loadMore } = useSearch(client, query);
  const [sessions] = useLoad(() => client.sessions.list({ status: "all", limit: 500 }));
  const set = (field: keyof Draft) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [field, value] of Object.entries(draft)) if (value.trim() !== "") next.set(field, value.trim());
    window.location.hash = searchHref(next);
  };

  return (
    <main className="search-page">
      <header className="bar">
        <a href="#/" className="back" aria-label="All sessions">
          ←
        </a>
        <h1>Search</h1>
      </header>
      <form role="search" className="search-form" onSubmit={submit}>
        <input
          type="search"
          aria-label="Search all messages"
          placeholder='Search all messages: words, "a phrase", -not'
          maxLength={MAX_SEARCH_QUERY}
          value={draft.q}
          onChange={set("q")}
          autoFocus
        />
        <button type="submit" disabled={draft.q.trim() === ""}>
          Search
        </button>
        <fieldset className="search-filters">
          <legend className="muted small">Only</legend>
          <label>
            Session{" "}
            <select value={draft.session_id} onChange={set("session_id")}>
              <option value="">any</option>
              {sessions.status === "ready" &&
                sessions.value.data.map((session) => (
                  <option key={session.id} value={session.id}>
                    {session.title}
                  </option>
                ))}
            </select>
          </label>
          <label>
            Provider{" "}
            <select value={draft.provider} onChange={set("provider")}>
              <option value="">any</option>
              {ProviderIdSchema.options.map((provider) => (
                <option key={provider}>{provider}</option>
              ))}
            </select>
          </label>
          <label>
            Model <input value={draft.model} onChange={set("model")} placeholder="any" size={18} />
          </label>
          <label>
            Role{" "}
            <select value={draft.role} onChange={set("role")}>
              <option value="">any</option>
              {MessageRoleSchema.options.map((role) => (
                <option key={role}>{role}</option>
              ))}
            </select>
          </label>
          <label>
            From <input type="date" value={draft.from} onChange={set("from")} />
          </label>
          <label>
            To <input type="date" value={draft.to} onChange={set("to")} />
          </label>
        </fieldset>
      </form>
      <ErrorText message={problem} />
      {state !== null && (
        <section className="search-page-results" aria-label="Search results">
          {state.searching && <p className="muted">Searching…</p>}
          {!state.searching && state.error === null && state.hits.length === 0 && <p className="empty">No messages match.</p>}
          {state.hits.length > 0 && <SearchHitList hits={state.hits} />}
          <ErrorText message={state.error} />
          {state.nextCursor !== null && (
            <button type="button" className="secondary" disabled={state.loadingMore} onClick={loadMore}>
              {state.loadingMore ? "Loading…" : "More results"}
            </button>
          )}
        </section>
      )}
    </main>
  );
}
