/**
 * Whether a tool call waits for the user (DESIGN §2 step 5): the session's approval mode, the
 * tool's own override, and what the user already approved for this session decide together.
 */
import type { ApprovalMode, ToolApproval, ToolKind } from "@maestro/protocol";

const MUTATING: ReadonlySet<ToolKind> = new Set(["edit", "execute"]);

export interface ApprovalQuestion {
  readonly mode: ApprovalMode;
  readonly kind: ToolKind;
  readonly toolApproval: ToolApproval;
  /** The user chose "approve for this session" for this tool earlier. */
  readonly approvedForSession: boolean;
}

export function needsApproval(question: ApprovalQuestion): boolean {
  // The user's own answer for this session stands in every mode: it is the approval.
  if (question.approvedForSession) return false;
  // `always` is the user asking to see every call: no tool's own `auto` may skip that.
  if (question.mode === "always") return true;
  if (question.toolApproval === "ask") return true;
  if (question.toolApproval === "auto") return false;
  return question.mode === "ask" && MUTATING.has(question.kind);
}
