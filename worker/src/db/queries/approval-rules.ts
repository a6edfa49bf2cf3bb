/** approval_rules: the user's standing answers to approval questions (issue 14 §7). */
import { type ApprovalRule, ApprovalRuleSchema, type CreateApprovalRuleBody, type UpdateApprovalRuleBody } from "@maestro/protocol";
import { asc, eq, isNull, or } from "drizzle-orm";
import type { Database } from "../client.ts";
import { approvalRules } from "../schema.ts";
import { iso } from "../timestamps.ts";

type RuleRow = typeof approvalRules.$inferSelect;

function toRule(row: RuleRow): ApprovalRule {
  return ApprovalRuleSchema.parse({
    id: row.id,
    effect: row.effect,
    tool: row.toolName,
    match: row.matchParam === null || row.matchPattern === null ? null : { param: row.matchParam, pattern: row.matchPattern },
    session_id: row.sessionId,
    note: row.note,
    created_at: iso(row.createdAt),
  });
}

/** Every rule, oldest first; with a session id, only the global ones and that session's. */
export async function listApprovalRules(db: Database, sessionId?: string): Promise<ApprovalRule[]> {
  const rows = await db
    .select()
    .from(approvalRules)
    .where(sessionId === undefined ? undefined : or(isNull(approvalRules.sessionId), eq(approvalRules.sessionId, sessionId)))
    .orderBy(asc(approvalRules.createdAt), asc(approvalRules.id));
  return rows.map(toRule);
}

export async function getApprovalRule(db: Database, id: string): Promise<ApprovalRule | undefined> {
  const [row] = await db.select().from(approvalRules).where(eq(approvalRules.id, id));
  return row === undefined ? undefined : toRule(row);
}

export async function createApprovalRule(db: Database, body: CreateApprovalRuleBody): Promise<ApprovalRule> {
  const [row] = await db
    .insert(approvalRules)
    .values({
      effect: body.effect,
      toolName: body.tool,
      matchParam: body.match?.param ?? null,
      matchPattern: body.match?.pattern ?? null,
      sessionId: body.session_id ?? null,
      note: body.note ?? null,
    })
    .returning();
  if (row === undefined) throw new Error("insert returned no row");
  return toRule(row);
}

export async function updateApprovalRule(db: Database, id: string, body: UpdateApprovalRuleBody): Promise<ApprovalRule | undefined> {
  const [row] = await db
    .update(approvalRules)
    .set({
      ...(body.effect !== undefined && { effect: body.effect }),
      ...(body.tool !== undefined && { toolName: body.tool }),
      ...(body.match !== undefined && { matchParam: body.match?.param ?? null, matchPattern: body.match?.pattern ?? null }),
      ...(body.session_id !== undefined && { sessionId: body.session_id }),
      ...(body.note !== undefined && { note: body.note }),
      updatedAt: new Date(),
    })
    .where(eq(approvalRules.id, id))
    .returning();
  return row === undefined ? undefined : toRule(row);
}

export async function deleteApprovalRule(db: Database, id: string): Promise<boolean> {
  const rows = await db.delete(approvalRules).where(eq(approvalRules.id, id)).returning({ id: approvalRules.id });
  return rows.length > 0;
}
