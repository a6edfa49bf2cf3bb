/**
 * Search across every session (GET /search) for the search page: the first page of hits for the
 * query in the URL, then more on request by cursor. Only the latest search fills the results: an
 * answer to an earlier query that lands late is dropped.
 */
import type { MessageId, RestClient, SearchHit, SearchQuery } from "@maestro/protocol";
import { useCallback, useEffect, useRef, useState } from "react";

const PAGE_SIZE = 20;

export interface SearchState {
  /** Best first. */
  readonly hits: readonly SearchHit[];
  readonly nextCursor: MessageId | null;
  readonly searching: boolean;
  readonly loadingMore: boolean;
  readonly error: string | null;
}

const reason = (failure: unknown) => (failure instanceof Error && failure.message.length > 0 ? failure.message : "The search failed.");

/** `query` null: nothing asked yet. */
export function useSearch(client: RestClient, query: (Partial<SearchQuery> & { q: string }) | null) {
  const [state, setState] = useState<SearchState | null>(null);
  const generation = useRef(0);
  const key = query === null ? null : JSON.stringify(query);

  useEffect(() => {
    const mine = ++generation.current;
    if (query === null) {
      setState(null);
      return;
    }
    setState({ hits: [], nextCursor: null, searching: true, loadingMore: false, error: null });
    client.search({ ...query, limit: PAGE_SIZE }).then(
      (page) =>
        generation.current === mine &&
        setState({ hits: page.data, nextCursor: page.next_cursor, searching: false, loadingMore: false, error: null }),
      (failure: unknown) =>
        generation.current === mine &&
        setState({ hits: [], nextCursor: null, searching: false, loadingMore: false, error: reason(failure) }),
    );
    // `key` stands for `query`: a new object with the same fields is the same search.
  }, [client, key]);

  const loadMore = useCallback(() => {
    if (query === null || state === null || state.nextCursor === null || state.loadingMore) return;
    const mine = generation.current;
    setState({ ...state, loadingMore: true, error: null });
    client.search({ ...query, limit: PAGE_SIZE, cursor: state.nextCursor }).then(
      (page) =>
        generation.current === mine &&
        setState((current) =>
          current === null
            ? current
            : {
                ...current,
                hits: [...current.hits, ...page.data.filter((hit) => !current.hits.some((seen) => seen.message_id === hit.message_id))],
                nextCursor: page.next_cursor,
                loadingMore: false,
              },
        ),
      (failure: unknown) =>
        generation.current === mine &&
        setState((current) => (current === null ? current : { ...current, loadingMore: false, error: reason(failure) })),
    );
  }, [client, query, state]);

  return { state, loadMore };
}
