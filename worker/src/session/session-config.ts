/**
 * Creating and reconfiguring a session: a template fills in what the caller left out, and every
 * reference (template, credential, agent) must exist, or the change is refused with a 404 that
 * names the field. Shared by the REST routes and the session's Durable Object.
 */
import { type CreateSessionBody, DEFAULT_AGENT_OFFLINE_GRACE_MS, type SessionId, type UpdateSessionBody } from "@maestro/protocol";
import type { Database } from "../db/client.ts";
import { agentExists, liveAgentsNamed } from "../db/queries/agents.ts";
import { credentialExists } from "../db/queries/credentials.ts";
import { type NewSession, type SessionRecord, updateSession } from "../db/queries/sessions.ts";
import { getSessionRow } from "../db/queries/sessions.ts";
import { getTemplate, templateAgentIds } from "../db/queries/templates.ts";
import { AppError } from "../errors.ts";
import { checkFallbacks } from "./fallbacks.ts";
import { checkToolNames } from "./tool-names.ts";

const DEFAULT_TITLE = "New session";

function missing(code: "CREDENTIAL_NOT_FOUND" | "AGENT_NOT_FOUND" | "TEMPLATE_NOT_FOUND", field: string, what: string): AppError {
  return new AppError(code, `No ${what} with that id.`, { fields: [{ field, message: `no ${what} with that id` }] });
}

/**
 * The agent ids a body binds: `agents` by name (in order; an unknown name, or one shared by two
 * agents from before names were unique, is a 400 naming the entry), or `agent_id` as a binding of
 * one; undefined when the body says neither.
 */
async function boundAgentIds(
  db: Database,
  body: { agents?: readonly string[] | undefined; agent_id?: string | null | undefined },
): Promise<string[] | undefined> {
  if (body.agent_id !== undefined) return body.agent_id === null ? [] : [body.agent_id];
  return body.agents === undefined ? undefined : resolveAgentNames(db, body.agents);
}

/** Agent names to ids (sessions and templates); an unknown or ambiguous name is a 400 on `agents.<i>`. */
export async function resolveAgentNames(db: Database, names: readonly string[]): Promise<string[]> {
  const live = await liveAgentsNamed(db, names);
  return names.map((name, index) => {
    const matches = live.filter((agent) => agent.name.toLowerCase() === name.toLowerCase());
    const [match] = matches;
    if (match !== undefined && matches.length === 1) return match.id;
    const problem = match === undefined ? `no local agent is named "${name}"` : `more than one local agent is named "${name}"`;
    throw new AppError("INVALID_REQUEST", `Cannot bind the session: ${problem}.`, {
      fields: [{ field: `agents.${index}`, message: problem }],
    });
  });
}

async function checkReferences(db: Database, refs: { credentialId?: string | null; agentId?: string | null }): Promise<void> {
  const [credentialOk, agentOk] = await Promise.all([
    refs.credentialId == null ? true : credentialExists(db, refs.credentialId),
    refs.agentId == null ? true : agentExists(db, refs.agentId),
  ]);
  if (!credentialOk) throw missing("CREDENTIAL_NOT_FOUND", "credential_id", "credential");
  if (!agentOk) throw missing("AGENT_NOT_FOUND", "agent_id", "local agent");
}

export async function resolveNewSession(db: Database, body: CreateSessionBody): Promise<NewSession> {
  const template = body.template_id === undefined ? undefined : await getTemplate(db, body.template_id);
  if (body.template_id !== undefined && template === undefined) throw missing("TEMPLATE_NOT_FOUND", "template_id", "template");
  const provider = body.provider ?? template?.provider;
  const model = body.model ?? template?.model;
  // The schema demands provider and model when there is no template, and a template has both.
  if (provider === undefined || model === undefined) throw new Error("provider and model must be resolved by now");
  const session: NewSession = {
    title: body.title ?? template?.name ?? DEFAULT_TITLE,
    provider,
    model,
    credentialId: body.credential_id ?? template?.credential_id ?? null,
    systemPrompt: body.system_prompt ?? template?.system_prompt ?? null,
    templateId: template?.id ?? null,
    agentIds: (await boundAgentIds(db, body)) ?? (template === undefined ? [] : await templateAgentIds(db, template.id)),
    workingDirectory: body.working_directory ?? null,
    enabledTools: body.enabled_tools !== undefined ? body.enabled_tools : (template?.enabled_tools ?? null),
    enabledMcp: body.enabled_mcp !== undefined ? body.enabled_mcp : (template?.enabled_mcp ?? null),
    approvalMode: body.approval_mode ?? template?.approval_mode ?? "ask",
    agentOffline: body.agent_offline ?? template?.agent_offline ?? "fail",
    agentOfflineGraceMs: body.agent_offline_grace_ms ?? template?.agent_offline_grace_ms ?? DEFAULT_AGENT_OFFLINE_GRACE_MS,
    contextWindow: body.context_window ?? null,
    compactAt: body.compact_at ?? null,
    fallbacks: body.fallbacks ?? template?.fallbacks ?? [],
  };
  await checkReferences(db, { credentialId: session.credentialId, agentId: body.agent_id });
  await checkFallbacks(db, session.fallbacks, session.credentialId);
  await checkToolNames(db, body.enabled_tools);
  return session;
}

/** Apply a change; undefined when the session does not exist. */
export async function reconfigureSession(db: Database, id: SessionId, changes: UpdateSessionBody): Promise<SessionRecord | undefined> {
  await checkReferences(db, { credentialId: changes.credential_id, agentId: changes.agent_id });
  await checkToolNames(db, changes.enabled_tools);
  const agentIds = await boundAgentIds(db, changes);
  if (changes.fallbacks !== undefined) {
    const credentialId = changes.credential_id !== undefined ? changes.credential_id : (await getSessionRow(db, id))?.credentialId;
    if (credentialId === undefined) return undefined;
    await checkFallbacks(db, changes.fallbacks, credentialId);
  }
  return updateSession(db, id, changes, agentIds);
}
