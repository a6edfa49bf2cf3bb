/**
 * `maestro approvals`: every tool call waiting for an answer, across all sessions, numbered oldest
 * first; and `maestro approvals approve|approve-session|deny <n or call id>` to answer one from
 * here. A number is re-read from the list at the moment of answering; a call id never moves.
 */
import type { ApprovalDecision, PendingApproval, RestClient } from "@maestro/protocol";
import { type ExitCode, type Output, reportingApiErrors, table } from "./output.ts";

/** The verbs, as typed, and the decision each sends. */
export const ANSWERS = { approve: "approve", "approve-session": "approve_session", deny: "deny" } as const satisfies Record<
  string,
  ApprovalDecision
>;
export type AnswerVerb = keyof typeof ANSWERS;
export const isAnswerVerb = (word: string): word is AnswerVerb => Object.hasOwn(ANSWERS, word);

const NOTHING = "Nothing is waiting for your approval.\n";
const ARGS_COLUMN = 60;

function age(askedAt: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(askedAt)) / 1000));
  return seconds < 60 ? `${seconds}s ago` : `${Math.round(seconds / 60)}m ago`;
}

function approvalsTable(pending: readonly PendingApproval[], now: number): string {
  const rows = pending.map((item, index) => [
    String(index + 1),
    item.session_title ?? item.session_id,
    item.tool,
    item.args_summary.length > ARGS_COLUMN ? `${item.args_summary.slice(0, ARGS_COLUMN - 1)}…` : item.args_summary,
    item.agent_name ?? "-",
    age(item.asked_at, now),
    item.call_id,
  ]);
  return table([["#", "SESSION", "TOOL", "ARGUMENTS", "MACHINE", "ASKED", "CALL ID"], ...rows]);
}

export function listApprovals(client: RestClient, output: Output, now: () => number = Date.now): Promise<ExitCode> {
  return reportingApiErrors(output, "list the approvals", async () => {
    const { data } = await client.approvals.list();
    if (data.length === 0) output.err(NOTHING);
    else output.out(approvalsTable(data, now()));
    return 0;
  });
}

/** Answer the n-th waiting approval (1-based, as listed) or the one with this call id. */
export function answerApproval(
  client: RestClient,
  verb: AnswerVerb,
  which: string,
  reason: string | undefined,
  output: Output,
): Promise<ExitCode> {
  return reportingApiErrors(output, "answer the approval", async () => {
    const { data } = await client.approvals.list();
    const item = /^\d+$/.test(which) ? data[Number(which) - 1] : data.find((each) => each.call_id === which);
    if (item === undefined) {
      output.err(
        `No approval ${/^\d+$/.test(which) ? `number ${which}` : `with call id ${which}`} is waiting (\`maestro approvals\` lists them).\n`,
      );
      return 1;
    }
    const decision = ANSWERS[verb];
    await client.approvals.answer(item.session_id, item.call_id, { decision, ...(reason !== undefined && { reason }) });
    output.out(
      `${decision === "deny" ? "Denied" : decision === "approve_session" ? "Approved for the session" : "Approved"}: ${item.tool} ${item.args_summary} (${item.session_title ?? item.session_id})\n`,
    );
    return 0;
  });
}
