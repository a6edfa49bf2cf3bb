/** The nav entry to the approval inbox, with how many questions wait (live, from the session feed). */
import type { RestClient } from "@maestro/protocol";
import { useApprovals } from "./use-approvals.ts";

export function ApprovalsLink({ client }: { readonly client: RestClient }) {
  const [state] = useApprovals(client);
  const count = state.status === "ready" ? state.pending.length : 0;
  return (
    <a href="#/approvals" aria-label={count > 0 ? `Approvals (${count} waiting)` : "Approvals"}>
      Approvals{count > 0 && <span className="badge waiting count">{count}</span>}
    </a>
  );
}
