/**
 * The part of a session's history older than the live window: the socket's snapshot holds only
 * the newest messages, so older ones are fetched page by page from the REST API on request.
 * Pages hang off the live window's oldest message (the anchor); if a fresh snapshot moves that
 * window, the pages no longer join it without a hole, so they are dropped and paging starts over.
 */
import type { Message, MessageId, RestClient, SessionId } from "@maestro/protocol";
import { useCallback, useState } from "react";

/** One request's worth of history; the API allows up to 200. */
const PAGE_SIZE = 100;

export interface EarlierMessages {
  /** Messages before the live window, oldest first. */
  readonly messages: readonly Message[];
  /** A page said nothing comes before it. */
  readonly atStart: boolean;
  readonly loading: boolean;
  readonly error: string | null;
  readonly loadEarlier: () => void;
}

interface Pages {
  readonly sessionId: SessionId;
  readonly anchor: MessageId;
  readonly messages: readonly Message[];
  /** Where the next older page ends; null once the start of the session was reached. */
  readonly cursor: MessageId | null;
  readonly loading: boolean;
  readonly error: string | null;
}

/** Older messages before newer ones, each once: a page may overlap what is already shown. */
export function mergeMessages(older: readonly Message[], newer: readonly Message[]): readonly Message[] {
  if (older.length === 0) return newer;
  const shown = new Set(newer.map((message) => message.id));
  return [...older.filter((message) => !shown.has(message.id)), ...newer];
}

export function useEarlierMessages(client: RestClient, sessionId: SessionId | null, oldestLiveId: MessageId | null): EarlierMessages {
  const [pages, setPages] = useState<Pages | null>(null);
  // Pages of another session or another live window do not count (see the header).
  const current = pages !== null && pages.sessionId === sessionId && pages.anchor === oldestLiveId ? pages : null;

  const loadEarlier = useCallback(() => {
    if (sessionId === null || oldestLiveId === null || current?.loading === true) return;
    const before = current === null ? oldestLiveId : current.cursor;
    if (before === null) return;
    const belongs = (state: Pages | null): state is Pages => state?.sessionId === sessionId && state.anchor === oldestLiveId;
    setPages({ sessionId, anchor: oldestLiveId, messages: current?.messages ?? [], cursor: before, loading: true, error: null });
    client.messages.list(sessionId, { before, limit: PAGE_SIZE }).then(
      (page) =>
        setPages((state) =>
          belongs(state)
            ? {
                ...state,
                messages: mergeMessages(page.data.toReversed(), state.messages),
                cursor: page.next_before,
                loading: false,
              }
            : state,
        ),
      (failure: unknown) =>
        setPages((state) =>
          belongs(state)
            ? {
                ...state,
                loading: false,
                error: failure instanceof Error && failure.message.length > 0 ? failure.message : "Could not load earlier messages.",
              }
            : state,
        ),
    );
  }, [client, sessionId, oldestLiveId, current]);

  return {
    messages: current?.messages ?? [],
    atStart: current?.cursor === null,
    loading: current?.loading ?? false,
    error: current?.error ?? null,
    loadEarlier,
  };
}
