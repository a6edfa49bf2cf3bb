/** POST /sessions/:id/approvals/:call_id: answer a tool call's approval from a script or the API. */
import { z } from "zod";
import { RequestIdSchema, ToolCallIdSchema } from "../ids.ts";
import { ApprovalDecisionSchema } from "../session-socket.ts";

export const ApprovalAnswerBodySchema = z.strictObject({
  decision: ApprovalDecisionSchema,
  reason: z.string().max(2000).optional(),
  /** Echoed on the `approval_result` this answer causes. */
  request_id: RequestIdSchema.optional(),
});
export type ApprovalAnswerBody = z.infer<typeof ApprovalAnswerBodySchema>;

export const ApprovalAnsweredSchema = z.object({ call_id: ToolCallIdSchema, decision: ApprovalDecisionSchema });
export type ApprovalAnswered = z.infer<typeof ApprovalAnsweredSchema>;
