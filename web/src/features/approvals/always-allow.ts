/**
 * "Always allow this tool": a standing allow rule (here: this session; everywhere: every
 * session), made before the call waiting now is approved, so the rule answers the next ones.
 */
import type { ApprovalRule, RestClient, SessionId } from "@maestro/protocol";

export type AllowScope = "session" | "everywhere";

export function createAllowRule(client: RestClient, tool: string, scope: AllowScope, sessionId: SessionId): Promise<ApprovalRule> {
  return client.approvalRules.create({
    effect: "allow",
    tool,
    session_id: scope === "session" ? sessionId : null,
    note: "from an approval prompt",
  });
}
