/** The session list, refreshed every few seconds so presence and activity stay current. */
import type { RestClient, Session } from "@maestro/protocol";
import { useEffect, useState } from "react";

const REFRESH_MS = 5000;

export type SessionsState =
  | { readonly status: "loading" }
  | { readonly status: "ready"; readonly sessions: readonly Session[] }
  | { readonly status: "error"; readonly message: string };

export function useSessions(client: RestClient, query: string): SessionsState {
  const [state, setState] = useState<SessionsState>({ status: "loading" });

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
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [client, query]);

  return state;
}
