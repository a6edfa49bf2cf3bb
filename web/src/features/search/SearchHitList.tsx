/**
 * The hits of a search across sessions: each a link to its message in its session (the session
 * page scrolls to it and highlights it), with the session's title, who said it, the model, when,
 * and the words around the match with the matching ones marked. Snippets are text, never HTML.
 */
import type { MessageRole, SearchHit } from "@maestro/protocol";
import { timeAgo } from "../../lib/format.ts";
import { sessionHref } from "../../lib/route.ts";

/** Names as the transcript uses them. */
const ROLE_LABEL = { user: "You", assistant: "Model", tool: "Tool", compaction: "Summary" } as const satisfies Record<MessageRole, string>;

function Hit({ hit }: { readonly hit: SearchHit }) {
  return (
    <li className="search-hit">
      <a href={sessionHref(hit.session_id, hit.message_id)} className="search-hit-link">
        <strong className="search-hit-title">{hit.session_title}</strong> <span className="badge">{ROLE_LABEL[hit.role]}</span>{" "}
        <span className="muted small">{hit.model}</span>{" "}
        <time className="muted small" dateTime={hit.created_at} title={new Date(hit.created_at).toLocaleString()}>
          {timeAgo(hit.created_at)}
        </time>
        <p>
          {hit.snippet.map((segment, index) =>
            segment.hit ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>,
          )}
        </p>
      </a>
    </li>
  );
}

export function SearchHitList({ hits }: { readonly hits: readonly SearchHit[] }) {
  return (
    <ol className="search-hit-list">
      {hits.map((hit) => (
        <Hit key={hit.message_id} hit={hit} />
      ))}
    </ol>
  );
}
