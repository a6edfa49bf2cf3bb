/** tool_executions: the audit trail of every tool call (DESIGN §3). */
import type { Database } from "../client.ts";
import { toolExecutions } from "../schema.ts";

export interface NewToolExecution {
  readonly sessionId: string;
  readonly turnId: string;
  readonly callId: string;
  readonly toolName: string;
  readonly source: "local" | "worker" | "mcp";
  readonly params: unknown;
  readonly resultSummary: string;
  readonly status: "ok" | "error" | "denied" | "timeout" | "cancelled";
  readonly errorCode: string | null;
  readonly durationMs: number;
}

const SUMMARY_CHARS = 2000;

export async function recordToolExecutions(db: Database, rows: readonly NewToolExecution[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(toolExecutions).values(
    rows.map((row) => ({
      ...row,
      resultSummary: row.resultSummary.length > SUMMARY_CHARS ? `${row.resultSummary.slice(0, SUMMARY_CHARS)}…` : row.resultSummary,
    })),
  );
}
