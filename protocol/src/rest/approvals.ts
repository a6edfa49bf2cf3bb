/**
 * Approvals over REST: answer one tool call (POST /sessions/:id/approvals/:call_id), list every
 * question still open across all sessions (GET /approvals, the inbox), and the standing rules that
 * answer before anyone is asked (GET/POST/PATCH/DELETE /approval-rules).
 */
import { z } from "zod";
import { TimestampSchema, ToolKindSchema, ToolNameSchema } from "../common.ts";
import { RequestIdSchema, SessionIdSchema, ToolCallIdSchema, TurnIdSchema } from "../ids.ts";
import { ApprovalDecisionSchema } from "../session-socket.ts";
import { ApprovalRuleEffectSchema } from "../tool-outcome.ts";
import { listOf } from "./common.ts";

export const ApprovalAnswerBodySchema = z.strictObject({
  decision: ApprovalDecisionSchema,
  reason: z.string().max(2000).optional(),
  /** Echoed on the `approval_result` this answer causes. */
  request_id: RequestIdSchema.optional(),
});
export type ApprovalAnswerBody = z.infer<typeof ApprovalAnswerBodySchema>;

export const ApprovalAnsweredSchema = z.object({ call_id: ToolCallIdSchema, decision: ApprovalDecisionSchema });
export type ApprovalAnswered = z.infer<typeof ApprovalAnsweredSchema>;

/**
 * One question waiting in the inbox. Answer it with `POST /sessions/:session_id/approvals/:call_id`.
 * `asked_at` and `expires_at` bound it: after `expires_at` nobody answered and the call is denied.
 */
export const PendingApprovalSchema = z.object({
  session_id: SessionIdSchema,
  session_title: z.string().nullable(),
  turn_id: TurnIdSchema,
  call_id: ToolCallIdSchema,
  tool: ToolNameSchema,
  kind: ToolKindSchema,
  args: z.record(z.string(), z.unknown()),
  /** A one-line summary of the arguments (the command, the path …), capped, for lists. */
  args_summary: z.string(),
  /** The local agent the call would run on, when it runs on one. */
  agent_id: z.string().nullable(),
  agent_name: z.string().nullable(),
  asked_at: TimestampSchema,
  expires_at: TimestampSchema,
});
export type PendingApproval = z.infer<typeof PendingApprovalSchema>;

/** Oldest question first: the one closest to timing out leads. */
export const PendingApprovalListSchema = listOf(PendingApprovalSchema);
export type PendingApprovalList = z.infer<typeof PendingApprovalListSchema>;

// ── Rules ────────────────────────────────────────────────────────────────────────────────────

/**
 * Which argument a rule looks at. `command`: the shell command, matched whole as a glob where `*`
 * is any text (`npm test*`). `path`: a file path, normalised against the session's working
 * directory (`./deploy/x`, `deploy/../deploy/x` and `<cwd>/deploy/x` are all `deploy/x`), matched
 * as a glob where `*` stays inside one folder and `**` crosses folders; a pattern with no glob
 * character is a prefix (`deploy` covers `deploy` and everything under it).
 */
export const ApprovalRuleParamSchema = z.enum(["command", "path"]);
export type ApprovalRuleParam = z.infer<typeof ApprovalRuleParamSchema>;

export const ApprovalRuleMatchSchema = z.strictObject({
  param: ApprovalRuleParamSchema,
  pattern: z.string().trim().min(1).max(500),
});
export type ApprovalRuleMatch = z.infer<typeof ApprovalRuleMatchSchema>;

export const ApprovalRuleSchema = z.object({
  id: z.uuid(),
  effect: ApprovalRuleEffectSchema,
  tool: ToolNameSchema,
  /** null: every call of the tool. */
  match: ApprovalRuleMatchSchema.nullable(),
  /** null: everywhere; otherwise only in this session. */
  session_id: SessionIdSchema.nullable(),
  note: z.string().nullable(),
  created_at: TimestampSchema,
});
export type ApprovalRule = z.infer<typeof ApprovalRuleSchema>;

export const ApprovalRuleListSchema = listOf(ApprovalRuleSchema);
export type ApprovalRuleList = z.infer<typeof ApprovalRuleListSchema>;

export const CreateApprovalRuleBodySchema = z.strictObject({
  effect: ApprovalRuleEffectSchema,
  tool: ToolNameSchema,
  match: ApprovalRuleMatchSchema.nullable().optional(),
  session_id: SessionIdSchema.nullable().optional(),
  note: z.string().trim().max(500).nullable().optional(),
});
export type CreateApprovalRuleBody = z.infer<typeof CreateApprovalRuleBodySchema>;

/** Any subset of the fields; `null` clears `match`, `session_id` (making it global) or `note`. */
export const UpdateApprovalRuleBodySchema = CreateApprovalRuleBodySchema.partial().refine((body) => Object.keys(body).length > 0, {
  message: "Name at least one field to change.",
});
export type UpdateApprovalRuleBody = z.infer<typeof UpdateApprovalRuleBodySchema>;
