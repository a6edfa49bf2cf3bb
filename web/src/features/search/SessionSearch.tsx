/**
 * Search this session's whole history, not only what the transcript holds: a field, then a panel
 * listing each matching message (who, when, and the words around the match, highlighted) that
 * pages further back on request and closes when done.
 */
import type { Message, MessageRole, RestClient, SessionId } from "@maestro/protocol";
import { useState } from "react";
import { ErrorText } from "../../components/ErrorText.tsx";
import { timeAgo } from "../../lib/format.ts";
import { snippet } from "./snippet.ts";
import { type SearchResults, useMessageSearch } from "./use-message-search.ts";

/** The API's limit on `q`. */
const MAX_QUERY = 200;

/** Names as the transcript uses them ("You", "Model"). */
const ROLE_LABEL = { user: "You", assistant: "Model", tool: "Tool", compaction: "Summary" } as const satisfies Record<MessageRole, string>;

function Hit({ message, query }: { readonly message: Message; readonly query: string }) {
  return (
    <li className="search-hit">
      <span className="badge">{ROLE_LABEL[message.role]}</span>{" "}
      <time className="muted small" dateTime={message.created_at} title={new Date(message.created_at).toLocaleString()}>
        {timeAgo(message.created_at)}
      </time>
      <p>
        {snippet(message, query).map((segment, index) =>
          segment.match ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>,
        )}
      </p>
    </li>
  );
}

function ResultsPanel({
  results,
  onMore,
  onClose,
}: {
  readonly results: SearchResults;
  readonly onMore: () => void;
  readonly onClose: () => void;
}) {
  return (
    <section className="search-results" aria-label="Search results">
      <header>
        <h2>Messages containing “{results.query}”</h2>
        <button type="button" className="secondary" aria-label="Close search results" onClick={onClose}>
          Close
        </button>
      </header>
      {results.searching && <p className="muted">Searching…</p>}
      {!results.searching && results.error === null && results.hits.length === 0 && <p className="empty">No messages match.</p>}
      {results.hits.length > 0 && (
        <ol>
          {results.hits.map((message) => (
            <Hit key={message.id} message={message} query={results.query} />
          ))}
        </ol>
      )}
      <ErrorText message={results.error} />
      {results.nextBefore !== null && (
        <button type="button" className="secondary" disabled={results.loadingMore} onClick={onMore}>
          {results.loadingMore ? "Loading…" : "More results"}
        </button>
      )}
    </section>
  );
}

export function SessionSearch({ client, sessionId }: { readonly client: RestClient; readonly sessionId: SessionId }) {
  const { results, search, loadMore, close } = useMessageSearch(client, sessionId);
  const [draft, setDraft] = useState("");
  const query = draft.trim();
  return (
    <div className="session-search">
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          if (query.length > 0) search(query);
        }}
      >
        <input
          type="search"
          aria-label="Search this session"
          placeholder="Search this session"
          maxLength={MAX_QUERY}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" className="secondary" disabled={query.length === 0}>
          Search
        </button>
      </form>
      {results !== null && <ResultsPanel results={results} onMore={loadMore} onClose={close} />}
    </div>
  );
}
