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
  if (question.toolApproval === "ask") return !question.approvedForSession;
  if (question.toolApproval === "auto") return false;
  if (question.approvedForSession) return false;
  switch (question.mode) {
    case "auto":
      return false;
    case "ask":
      return MUTATING.has(question.kind);
    case "always":
      return true;
  }
}
