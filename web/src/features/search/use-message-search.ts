/**
 * Searching one session's whole history through the REST API (`q`), newest match first, a page
 * at a time. Only the latest search may fill the results: a slow answer to an earlier query, or
 * one that lands after the results were closed, is dropped.
 */
import type { Message, MessageId, RestClient, SessionId } from "@maestro/protocol";
import { useCallback, useRef, useState } from "react";

const PAGE_SIZE = 50;

export interface SearchResults {
  readonly query: string;
  /** Newest first. */
  readonly hits: readonly Message[];
  /** Where the next page of older matches ends; null when there are no more. */
  readonly nextBefore: MessageId | null;
  /** Nothing fetched yet for this query. */
  readonly searching: boolean;
  readonly loadingMore: boolean;
  readonly error: string | null;
}

export interface MessageSearch {
  /** Null while no search is open. */
  readonly results: SearchResults | null;
  readonly search: (query: string) => void;
  readonly loadMore: () => void;
  readonly close: () => void;
}

const reason = (failure: unknown) => (failure instanceof Error && failure.message.length > 0 ? failure.message : "The search failed.");

export function useMessageSearch(client: RestClient, sessionId: SessionId): MessageSearch {
  const [results, setResults] = useState<SearchResults | null>(null);
  // Bumped by every search and close; an answer carrying an older number is stale.
  const generation = useRef(0);
  const ifStill = useCallback((mine: number, apply: (state: SearchResults) => SearchResults) => {
    setResults((state) => (state !== null && generation.current === mine ? apply(state) : state));
  }, []);

  const search = useCallback(
    (query: string) => {
      const mine = ++generation.current;
      setResults({ query, hits: [], nextBefore: null, searching: true, loadingMore: false, error: null });
      client.messages.list(sessionId, { q: query, limit: PAGE_SIZE }).then(
        (page) => ifStill(mine, (state) => ({ ...state, hits: page.data, nextBefore: page.next_before, searching: false })),
        (failure: unknown) => ifStill(mine, (state) => ({ ...state, searching: false, error: reason(failure) })),
      );
    },
    [client, sessionId, ifStill],
  );

  const loadMore = useCallback(() => {
    if (results === null || results.nextBefore === null || results.loadingMore) return;
    const mine = generation.current;
    ifStill(mine, (state) => ({ ...state, loadingMore: true, error: null }));
    client.messages.list(sessionId, { q: results.query, limit: PAGE_SIZE, before: results.nextBefore }).then(
      (page) =>
        ifStill(mine, (state) => {
          const known = new Set(state.hits.map((hit) => hit.id));
          const older = page.data.filter((hit) => !known.has(hit.id));
          return { ...state, hits: [...state.hits, ...older], nextBefore: page.next_before, loadingMore: false };
        }),
      (failure: unknown) => ifStill(mine, (state) => ({ ...state, loadingMore: false, error: reason(failure) })),
    );
  }, [client, sessionId, results, ifStill]);

  const close = useCallback(() => {
    generation.current += 1;
    setResults(null);
  }, []);

  return { results, search, loadMore, close };
}
