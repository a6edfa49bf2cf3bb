/** tool_executions: the audit trail of every tool call (DESIGN §3). */
import { type SessionId, type ToolDecisionSource, type ToolExecution, ToolExecutionSchema } from "@maestro/protocol";
import { desc, eq, getTableColumns } from "drizzle-orm";
import type { Database } from "../client.ts";
import { localAgents, toolExecutions } from "../schema.ts";
import { iso } from "../timestamps.ts";

export interface NewToolExecution {
  readonly sessionId: string;
  readonly turnId: string;
  readonly callId: string;
  readonly toolName: string;
  readonly source: "local" | "worker" | "mcp";
  readonly agentId: string | null;
  readonly params: unknown;
  readonly resultSummary: string;
  readonly status: (typeof toolExecutions.$inferInsert)["status"];
  readonly errorCode: string | null;
  readonly durationMs: number;
  /** The approval rule that allowed or denied the call without asking. */
  readonly decidedByRuleId?: string | null;
  readonly decidedBy?: ToolDecisionSource | null;
}

const SUMMARY_CHARS = 2000;
/**
 * The audit keeps what a call was asked to do, not every byte of it: a `write_file` of 10 MB
 * would otherwise be stored twice (the conversation keeps the call whole). Long strings inside
 * the params are cut, saying how long they were.
 */
const PARAM_STRING_CHARS = 4000;

function capStrings(value: unknown): unknown {
  if (typeof value === "string")
    return value.length > PARAM_STRING_CHARS ? `${value.slice(0, PARAM_STRING_CHARS)}… [${value.length} characters in all]` : value;
  if (Array.isArray(value)) return value.map(capStrings);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, each]) => [key, capStrings(each)]));
  return value;
}

export async function recordToolExecutions(db: Database, rows: readonly NewToolExecution[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(toolExecutions).values(
    rows.map((row) => ({
      ...row,
      params: capStrings(row.params),
      resultSummary: row.resultSummary.length > SUMMARY_CHARS ? `${row.resultSummary.slice(0, SUMMARY_CHARS)}…` : row.resultSummary,
    })),
  );
}

/** A session's tool calls, newest first. */
export async function listToolExecutions(db: Database, sessionId: SessionId, limit: number): Promise<ToolExecution[]> {
  const rows = await db
    .select({ ...getTableColumns(toolExecutions), machine: localAgents.name })
    .from(toolExecutions)
    .leftJoin(localAgents, eq(localAgents.id, toolExecutions.agentId))
    .where(eq(toolExecutions.sessionId, sessionId))
    .orderBy(desc(toolExecutions.createdAt))
    .limit(limit);
  return rows.map((row) =>
    ToolExecutionSchema.parse({
      id: row.id,
      session_id: row.sessionId,
      turn_id: row.turnId,
      call_id: row.callId,
      tool: row.toolName,
      source: row.source,
      agent_id: row.agentId,
      machine: row.machine,
      params: row.params,
      result_summary: row.resultSummary,
      status: row.status,
      error_code: row.errorCode,
      duration_ms: row.durationMs,
      decided_by_rule_id: row.decidedByRuleId,
      decided_by: row.decidedBy,
      created_at: iso(row.createdAt),
    }),
  );
}
