/**
 * The inbox's questions, one card each: which session asks, for which tool and arguments, on
 * which machine, since when — answered from here as from the session itself (the first answer
 * from any client wins), or with "always allow", which leaves a rule behind.
 */
import type { ApprovalDecision, PendingApproval, RestClient } from "@maestro/protocol";
import { useAction } from "../../lib/use-action.ts";
import { sessionHref } from "../../lib/route.ts";
import { ErrorText } from "../../components/ErrorText.tsx";
import { type AllowScope, createAllowRule } from "./always-allow.ts";

export function PendingApprovals({
  client,
  pending,
  onAnswered,
}: {
  readonly client: RestClient;
  readonly pending: readonly PendingApproval[];
  readonly onAnswered: () => void;
}) {
  const [error, run] = useAction();
  const answer = (item: PendingApproval, decision: ApprovalDecision) =>
    run(async () => {
      await client.approvals.answer(item.session_id, item.call_id, { decision });
      onAnswered();
    }, "Could not answer.");
  const alwaysAllow = (item: PendingApproval, scope: AllowScope) =>
    run(async () => {
      await createAllowRule(client, item.tool, scope, item.session_id);
      await client.approvals.answer(item.session_id, item.call_id, { decision: "approve" });
      onAnswered();
    }, "Could not create the rule.");

  if (pending.length === 0) return <p className="muted">Nothing is waiting for your approval.</p>;
  return (
    <>
      <ErrorText message={error} />
      <ol className="approval-inbox" aria-label="Pending approvals">
        {pending.map((item) => (
          <li
            key={`${item.session_id}/${item.call_id}`}
            className="card"
            aria-label={`${item.tool} in ${item.session_title ?? "a session"}`}
          >
            <header>
              <code className="tool-name">{item.tool}</code> <span className="badge waiting">{item.kind}</span>{" "}
              <a href={sessionHref(item.session_id)}>{item.session_title ?? item.session_id}</a>
              {item.agent_name !== null && <span className="muted"> on {item.agent_name}</span>}
              <span className="muted small"> asked {new Date(item.asked_at).toLocaleTimeString()}</span>
            </header>
            <pre className="tool-args">{item.args_summary}</pre>
            <div className="approval" role="group" aria-label={`Approve ${item.tool}?`}>
              <button type="button" onClick={() => answer(item, "approve")}>
                Approve once
              </button>
              <button type="button" className="secondary" onClick={() => answer(item, "approve_session")}>
                Approve for this session
              </button>
              <button type="button" className="secondary" onClick={() => alwaysAllow(item, "session")}>
                Always allow {item.tool} here
              </button>
              <button type="button" className="secondary" onClick={() => alwaysAllow(item, "everywhere")}>
                Always allow {item.tool} everywhere
              </button>
              <button type="button" className="danger" onClick={() => answer(item, "deny")}>
                Deny
              </button>
            </div>
          </li>
        ))}
      </ol>
    </>
  );
}
