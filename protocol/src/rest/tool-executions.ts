/**
 * The audit trail of tool calls (DESIGN §3): every call a model made, where it ran, what it was
 * given, how it ended and how long it took. Read with `GET /sessions/:id/tool-executions`.
 */
import { z } from "zod";
import { TimestampSchema } from "../common.ts";
import { AgentIdSchema, SessionIdSchema, TurnIdSchema } from "../ids.ts";
import { listOf } from "./common.ts";
import { ToolSourceSchema } from "./tools.ts";

export const ToolExecutionStatusSchema = z.enum(["ok", "error", "denied", "timeout", "cancelled", "interrupted"]);

/**
 * What decided whether a call ran: `auto` (the approval mode asked nobody), `session` (approved for
 * the session earlier), `rule` (a standing rule; see `decided_by_rule_id`), `web`/`tui`/`api` (a
 * person answered from there), `timeout` (nobody answered in time).
 */
export const ToolDecisionSourceSchema = z.enum(["auto", "session", "rule", "web", "tui", "api", "timeout"]);
export type ToolDecisionSource = z.infer<typeof ToolDecisionSourceSchema>;

export const ToolExecutionSchema = z.object({
  id: z.string(),
  session_id: SessionIdSchema.nullable(),
  turn_id: TurnIdSchema.nullable(),
  call_id: z.string(),
  tool: z.string(),
  source: ToolSourceSchema,
  /** The local agent that ran it, for `local` tools and the agent's stdio MCP servers. */
  agent_id: AgentIdSchema.nullable(),
  /** That agent's name now (null without one), as tool cards show it. */
  machine: z.string().nullable().default(null),
  params: z.unknown(),
  /** The start of what the model was told (capped), or the error code and message. */
  result_summary: z.string().nullable(),
  status: ToolExecutionStatusSchema,
  error_code: z.string().nullable(),
  duration_ms: z.number().int().nonnegative(),
  /** The approval rule that allowed or denied it without asking (`/approval-rules`); null when none did. */
  decided_by_rule_id: z.uuid().nullable(),
  /** Null for a call that never reached the approval step (an unknown tool, a restart). */
  decided_by: ToolDecisionSourceSchema.nullable(),
  created_at: TimestampSchema,
});
export type ToolExecution = z.infer<typeof ToolExecutionSchema>;

export const ToolExecutionListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ToolExecutionListQuery = z.infer<typeof ToolExecutionListQuerySchema>;

/** Newest first. */
export const ToolExecutionListSchema = listOf(ToolExecutionSchema);
export type ToolExecutionList = z.infer<typeof ToolExecutionListSchema>;
