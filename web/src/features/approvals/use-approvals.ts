/**
 * The approval inbox, live: GET /approvals, loaded again whenever the session feed says a session
 * changed (a session that starts or stops asking changes its activity, which the feed announces)
 * and when the feed reconnects — the same signal the session list uses, so no polling.
 */
import { type PendingApproval, type RestClient, coalesce } from "@maestro/protocol";
import { useCallback, useEffect, useRef, useState } from "react";
import { followSessionFeed } from "../../lib/session-feed.ts";

const COALESCE_MS = 150;

export type ApprovalsState =
  | { readonly status: "loading" }
  | { readonly status: "ready"; readonly pending: readonly PendingApproval[] }
  | { readonly status: "error"; readonly message: string };

export function useApprovals(client: RestClient): [ApprovalsState, () => void] {
  const [state, setState] = useState<ApprovalsState>({ status: "loading" });
  const generation = useRef(0);
  const load = useCallback(() => {
    // Only the newest load may set the state: an older answer arriving late would bring back a question already answered.
    const mine = (generation.current += 1);
    client.approvals.list().then(
      (list) => mine === generation.current && setState({ status: "ready", pending: list.data }),
      (error: unknown) =>
        mine === generation.current &&
        setState({ status: "error", message: error instanceof Error ? error.message : "Could not load approvals." }),
    );
  }, [client]);

  useEffect(() => {
    load();
    const reload = coalesce(load, COALESCE_MS);
    const unfollow = followSessionFeed({ onChange: reload.request, onOpen: reload.request });
    return () => {
      generation.current += 1;
      reload.cancel();
      unfollow();
    };
  }, [load]);

  return [state, load];
}
