/**
 * What running a tool produced. Expected failures (a path outside the roots, a timeout) are
 * values with a code the model can react to; only bugs are exceptions (STYLE §2.2).
 */
import { z } from "zod";

export const ToolErrorCodeSchema = z.enum([
  "INVALID_PARAMS",
  "TOOL_NOT_FOUND",
  "TOOL_DISABLED",
  "PATH_OUTSIDE_ROOTS",
  /** Inside a root but matched by the agent's deny list (secrets: .env*, *.pem, .ssh/ …); the message names the rule. */
  "PATH_DENIED",
  /** A file with more than one name (a hard link), which may also live outside the roots: not written. */
  "FILE_HARD_LINKED",
  "FILE_NOT_FOUND",
  "NOT_A_FILE",
  "NOT_A_DIRECTORY",
  "BINARY_FILE",
  "FILE_TOO_LARGE",
  "EDIT_NO_MATCH",
  "EDIT_AMBIGUOUS",
  "PERMISSION_DENIED",
  "TIMEOUT",
  "OUTPUT_TRUNCATED",
  "CANCELLED",
  "APPROVAL_DENIED",
  /** A deny rule (`/approval-rules`) refused the call before anyone was asked; the message names the rule. */
  "DENIED_BY_RULE",
  "AGENT_OFFLINE",
  /** The agent process running an edit or command died; it may or may not have completed. */
  "AGENT_RESTARTED",
  /** The session restarted (a crash, a deploy) while the call waited or ran; it may or may not have run. */
  "INTERRUPTED",
  "MCP_ERROR",
  "EXECUTION_FAILED",
  "INTERNAL",
]);
export type ToolErrorCode = z.infer<typeof ToolErrorCodeSchema>;

export const ToolOutcomeSchema = z.discriminatedUnion("ok", [
  z.strictObject({
    ok: z.literal(true),
    output: z.string(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  }),
  z.strictObject({
    ok: z.literal(false),
    code: ToolErrorCodeSchema,
    message: z.string(),
    /** Whether the model can sensibly try again with other arguments. */
    recoverable: z.boolean(),
  }),
]);
export type ToolOutcome = z.infer<typeof ToolOutcomeSchema>;

/** What a standing approval rule does to the calls it matches (`/approval-rules`). */
export const ApprovalRuleEffectSchema = z.enum(["allow", "deny"]);
export type ApprovalRuleEffect = z.infer<typeof ApprovalRuleEffectSchema>;

/** The rule that decided a tool call without asking anyone, as tool cards and the audit trail show it. */
export const DecidedByRuleSchema = z.object({ id: z.uuid(), effect: ApprovalRuleEffectSchema });
export type DecidedByRule = z.infer<typeof DecidedByRuleSchema>;
