/** agent_templates: named starting configurations for sessions. */
import { type CreateTemplateBody, type Template, type TemplateId, TemplateSchema, type UpdateTemplateBody } from "@maestro/protocol";
import { desc, eq } from "drizzle-orm";
import type { Database } from "../client.ts";
import { agentTemplates } from "../schema.ts";
import { agentsByIds } from "./agents.ts";
import { iso } from "../timestamps.ts";

type TemplateRow = typeof agentTemplates.$inferSelect;

/** Rows as the API shows them: bound agents by name, in order (an id with no agent left is skipped). */
async function toTemplates(db: Database, rows: readonly TemplateRow[]): Promise<Template[]> {
  const agents = await agentsByIds(db, [...new Set(rows.flatMap((row) => row.agentIds))]);
  return rows.map((row) =>
    toTemplate(
      row,
      row.agentIds.flatMap((id) => agents.get(id)?.name ?? []),
    ),
  );
}

async function oneTemplate(db: Database, row: TemplateRow | undefined): Promise<Template | undefined> {
  return row === undefined ? undefined : (await toTemplates(db, [row]))[0];
}

function toTemplate(row: TemplateRow, agentNames: readonly string[]): Template {
  return TemplateSchema.parse({
    id: row.id,
    name: row.name,
    description: row.description,
    provider: row.provider,
    model: row.model,
    credential_id: row.credentialId,
    system_prompt: row.systemPrompt,
    enabled_tools: row.enabledTools,
    enabled_mcp: row.enabledMcp,
    approval_mode: row.approvalMode,
    agent_offline: row.agentOffline,
    agent_offline_grace_ms: row.agentOfflineGraceMs,
    fallbacks: row.fallbacks,
    agents: agentNames,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  });
}

/** `agentIds`: `body.agents` resolved (session-config.ts resolveAgentNames). */
export async function createTemplate(db: Database, body: CreateTemplateBody, agentIds: string[]): Promise<Template> {
  const [row] = await db
    .insert(agentTemplates)
    .values({
      name: body.name,
      description: body.description ?? "",
      provider: body.provider,
      model: body.model,
      credentialId: body.credential_id ?? null,
      systemPrompt: body.system_prompt ?? null,
      enabledTools: body.enabled_tools ?? null,
      enabledMcp: body.enabled_mcp ?? null,
      approvalMode: body.approval_mode ?? "ask",
      ...(body.agent_offline !== undefined && { agentOffline: body.agent_offline }),
      ...(body.agent_offline_grace_ms !== undefined && { agentOfflineGraceMs: body.agent_offline_grace_ms }),
      fallbacks: body.fallbacks ?? [],
      agentIds,
    })
    .returning();
  const template = await oneTemplate(db, row);
  if (template === undefined) throw new Error("insert returned no row");
  return template;
}

export async function listTemplates(db: Database): Promise<Template[]> {
  const rows = await db.select().from(agentTemplates).orderBy(desc(agentTemplates.updatedAt));
  return toTemplates(db, rows);
}

export async function getTemplate(db: Database, id: TemplateId): Promise<Template | undefined> {
  const [row] = await db.select().from(agentTemplates).where(eq(agentTemplates.id, id));
  return oneTemplate(db, row);
}

/** The agents a template binds, by id (what a session made from it copies). */
export async function templateAgentIds(db: Database, id: TemplateId): Promise<string[]> {
  const [row] = await db.select({ agentIds: agentTemplates.agentIds }).from(agentTemplates).where(eq(agentTemplates.id, id));
  return row?.agentIds ?? [];
}

/** `agentIds`: `body.agents` resolved, when it is given. */
export async function updateTemplate(
  db: Database,
  id: TemplateId,
  body: UpdateTemplateBody,
  agentIds?: string[],
): Promise<Template | undefined> {
  const [row] = await db
    .update(agentTemplates)
    .set({
      ...(body.name !== undefined && { name: body.name }),
      ...(body.description !== undefined && { description: body.description }),
      ...(body.provider !== undefined && { provider: body.provider }),
      ...(body.model !== undefined && { model: body.model }),
      ...(body.credential_id !== undefined && { credentialId: body.credential_id }),
      ...(body.system_prompt !== undefined && { systemPrompt: body.system_prompt }),
      ...(body.enabled_tools !== undefined && { enabledTools: body.enabled_tools }),
      ...(body.enabled_mcp !== undefined && { enabledMcp: body.enabled_mcp }),
      ...(body.approval_mode !== undefined && { approvalMode: body.approval_mode }),
      ...(body.agent_offline !== undefined && { agentOffline: body.agent_offline }),
      ...(body.agent_offline_grace_ms !== undefined && { agentOfflineGraceMs: body.agent_offline_grace_ms }),
      ...(body.fallbacks !== undefined && { fallbacks: body.fallbacks }),
      ...(agentIds !== undefined && { agentIds }),
      updatedAt: new Date(),
    })
    .where(eq(agentTemplates.id, id))
    .returning();
  return oneTemplate(db, row);
}

export async function deleteTemplate(db: Database, id: TemplateId): Promise<boolean> {
  const rows = await db.delete(agentTemplates).where(eq(agentTemplates.id, id)).returning({ id: agentTemplates.id });
  return rows.length > 0;
}
