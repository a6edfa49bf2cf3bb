/**
 * The session list, live: loaded from GET /sessions, and loaded again whenever the session feed
 * says a session changed (coalesced, so a burst of changes costs one request) and whenever the
 * feed reconnects (anything may have changed while it was away). No polling.
 */
import { type RestClient, type Session, coalesce } from "@maestro/protocol";
import { useEffect, useRef, useState } from "react";
import { followSessionFeed } from "../../lib/session-feed.ts";

/** Changes that arrive this close together are answered with one reload. */
const COALESCE_MS = 150;

export type SessionsState =
  | { readonly status: "loading" }
  | { readonly status: "ready"; readonly sessions: readonly Session[] }
  | { readonly status: "error"; readonly message: string };

export function useSessions(client: RestClient, query: string): SessionsState {
  const [state, setState] = useState<SessionsState>({ status: "loading" });
  // The feed's reload always loads for the filter as it is now, so typing a filter reloads the
  // list without reopening the feed socket on every keystroke.
  const loadLatest = useRef<() => void>(() => undefined);

  useEffect(() => {
    let cancelled = false;
    const load = async () => {
      try {
        const list = await client.sessions.list(query.trim().length > 0 ? { q: query.trim() } : {});
        if (!cancelled) setState({ status: "ready", sessions: list.data });
      } catch (error) {
        if (!cancelled) setState({ status: "error", message: error instanceof Error ? error.message : "Could not load sessions." });
      }
    };
    loadLatest.current = () => void load();
    void load();
    return () => {
      cancelled = true;
    };
  }, [client, query]);

  useEffect(() => {
    const reload = coalesce(() => loadLatest.current(), COALESCE_MS);
    const unfollow = followSessionFeed({ onChange: reload.request, onOpen: reload.request });
    return () => {
      reload.cancel();
      unfollow();
    };
  }, []);

  return state;
}
