/**
 * `POST /sessions/import`: a JSON export (session-export.ts) or an OpenAI-style `messages` list
 * (openai-chat.ts) becomes a new session. The file is checked whole before anything is stored —
 * its shape, then its tree (every parent present, no cycle, the leaf and compaction boundaries
 * naming messages of the file) — and refused with the path of each problem. The copy gets new
 * ids (messages and turns); timestamps, usage and cost stay as the file says.
 */
import {
  type Credential,
  type FieldIssue,
  type ImportSessionQuery,
  type ProviderId,
  OpenAIChatImportSchema,
  OpenAIChatMessagesSchema,
  type Result,
  SESSION_EXPORT_FORMAT,
  SESSION_EXPORT_VERSION,
  type SessionExport,
  SessionExportSchema,
  type SessionId,
  err,
  ok,
  toFieldIssues,
} from "@maestro/protocol";
import type { Database } from "../db/client.ts";
import { branchSinceSummary, conversationLeaf } from "../db/queries/branches.ts";
import { listCredentials } from "../db/queries/credentials.ts";
import { currentConversationId } from "../db/queries/messages.ts";
import { type MessageCopy, createSessionWithTree } from "../db/queries/session-trees.ts";
import { setContextTokens } from "../db/queries/sessions.ts";
import { contextTokensOf } from "../session/context-accounting.ts";
import { resolveNewSession } from "../session/session-config.ts";
import { fromOpenAIChat } from "./openai-chat.ts";

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * What was sent, as a session export. An OpenAI list has no provider: the query's, else `openai`;
 * and its model comes from the query or the body's `model`.
 */
export function decodeImport(body: unknown, query: ImportSessionQuery, now: Date): Result<SessionExport, FieldIssue[]> {
  if (isRecord(body) && "format" in body) {
    const parsed = SessionExportSchema.safeParse(body);
    return parsed.success ? ok(parsed.data) : err(toFieldIssues(parsed.error.issues));
  }
  if (!Array.isArray(body) && !(isRecord(body) && "messages" in body)) {
    return err([
      { field: "(root)", message: `expected a session export (format "${SESSION_EXPORT_FORMAT}") or an OpenAI-style messages list` },
    ]);
  }
  const parsed = Array.isArray(body) ? OpenAIChatMessagesSchema.safeParse(body) : OpenAIChatImportSchema.safeParse(body);
  if (!parsed.success) return err(toFieldIssues(parsed.error.issues));
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.messages;
  const model = query.model ?? (Array.isArray(parsed.data) ? undefined : parsed.data.model);
  if (model === undefined)
    return err([{ field: "model", message: "the list names no model: give ?model= (and ?provider=, default openai)" }]);
  const chat = fromOpenAIChat(list, now);
  if (!chat.ok) return chat;
  const file = SessionExportSchema.safeParse({
    format: SESSION_EXPORT_FORMAT,
    version: SESSION_EXPORT_VERSION,
    exported_at: now.toISOString(),
    session: {
      title: chat.value.title,
      provider: query.provider ?? "openai",
      model,
      system_prompt: chat.value.systemPrompt,
      enabled_tools: null,
      enabled_mcp: null,
      approval_mode: "ask",
      compact_at: null,
      context_window: null,
      working_directory: null,
      credential: null,
      created_at: now.toISOString(),
    },
    leaf_id: chat.value.messages.at(-1)?.id ?? null,
    messages: chat.value.messages,
  });
  return file.success ? ok(file.data) : err(toFieldIssues(file.error.issues));
}

/**
 * The file's messages, a parent always before its replies, or what is wrong with its tree: a
 * repeated id, a parent or compaction boundary that is not in the file, a cycle, a missing leaf.
 */
export function checkTree(file: SessionExport): Result<SessionExport["messages"], FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const index = new Map<string, number>();
  file.messages.forEach((message, at) => {
    if (index.has(message.id)) issues.push({ field: `messages.${at}.id`, message: "repeats the id of another message" });
    else index.set(message.id, at);
  });
  file.messages.forEach((message, at) => {
    if (message.parent_id !== null && !index.has(message.parent_id))
      issues.push({ field: `messages.${at}.parent_id`, message: "names no message of this file" });
    message.content.forEach((part, partAt) => {
      if (part.type !== "compaction") return;
      for (const key of ["pruned_through", "summarized_through"] as const) {
        const named = part[key];
        if (named !== null && !index.has(named))
          issues.push({ field: `messages.${at}.content.${partAt}.${key}`, message: "names no message of this file" });
      }
    });
  });
  if (file.leaf_id !== null && !index.has(file.leaf_id)) issues.push({ field: "leaf_id", message: "names no message of this file" });
  if (file.leaf_id === null && file.messages.length > 0) issues.push({ field: "leaf_id", message: "is required when there are messages" });
  if (issues.length > 0) return err(issues);

  // Each message's depth, walking up to a known one; meeting the walk's own path again is a cycle.
  const depth = new Map<string, number>();
  for (const [at, message] of file.messages.entries()) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let current: string | null = message.id;
    while (current !== null && !depth.has(current)) {
      if (onPath.has(current)) {
        issues.push({ field: `messages.${at}.parent_id`, message: "makes a cycle: the message is its own ancestor" });
        break;
      }
      onPath.add(current);
      path.push(current);
      current = file.messages[index.get(current) ?? -1]?.parent_id ?? null;
    }
    if (issues.length > 0) return err(issues);
    let below = current === null ? -1 : (depth.get(current) ?? -1);
    for (const id of path.reverse()) depth.set(id, (below += 1));
  }
  const ordered = file.messages.map((message, at) => ({ message, at, depth: depth.get(message.id) ?? 0 }));
  ordered.sort((a, b) => a.depth - b.depth || a.at - b.at);
  return ok(ordered.map((entry) => entry.message));
}

function toCopy(message: SessionExport["messages"][number], turnIds: Map<string, string>, known: ReadonlySet<string>): MessageCopy {
  const turnId = message.turn_id === null ? null : (turnIds.get(message.turn_id) ?? crypto.randomUUID());
  if (message.turn_id !== null && turnId !== null) turnIds.set(message.turn_id, turnId);
  return {
    id: message.id,
    parentId: message.parent_id,
    turnId,
    role: message.role,
    content: message.content,
    status: message.status,
    provider: message.provider,
    model: message.model,
    // Which credential answered, when that credential is here too (a file from another instance names others).
    credentialId: message.credential_id != null && known.has(message.credential_id) ? message.credential_id : null,
    rawRequest: message.raw_request ?? null,
    rawResponse: message.raw_response ?? null,
    inputTokens: message.usage?.input_tokens ?? null,
    outputTokens: message.usage?.output_tokens ?? null,
    cacheReadTokens: message.usage?.cache_read_tokens ?? null,
    cacheWriteTokens: message.usage?.cache_write_tokens ?? null,
    totalCostUsd: message.cost_usd === null ? null : message.cost_usd.toFixed(8),
    latencyMs: message.latency_ms,
    timeToFirstTokenMs: message.time_to_first_token_ms,
    stopReason: message.stop_reason,
    error: message.error,
    createdAt: new Date(message.created_at),
  };
}

/** The file's credential here: the one with its id, else one with its label (another instance), of the session's provider. */
function hintedCredential(
  credentials: readonly Credential[],
  hint: { id: string; label: string },
  provider: ProviderId,
): Credential | undefined {
  const usable = credentials.filter((each) => each.provider === provider);
  return usable.find((each) => each.id === hint.id) ?? usable.find((each) => each.label === hint.label);
}

/**
 * Creates the session. The query's provider, model, credential and title win over the file's; the
 * file's credential is only a hint (hintedCredential), never required.
 */
export async function importSession(
  db: Database,
  file: SessionExport,
  ordered: SessionExport["messages"],
  query: ImportSessionQuery,
): Promise<SessionId> {
  const { session } = file;
  const provider = query.provider ?? session.provider;
  const credentials = await listCredentials(db);
  const hinted = session.credential === null ? undefined : hintedCredential(credentials, session.credential, provider);
  const values = await resolveNewSession(db, {
    title: query.title ?? session.title,
    provider,
    model: query.model ?? session.model,
    ...(query.credential_id !== undefined ? { credential_id: query.credential_id } : hinted !== undefined && { credential_id: hinted.id }),
    ...(session.system_prompt !== null && { system_prompt: session.system_prompt }),
    ...(session.working_directory !== null && { working_directory: session.working_directory }),
    enabled_tools: session.enabled_tools,
    enabled_mcp: session.enabled_mcp,
    approval_mode: session.approval_mode,
    agent_offline: session.agent_offline,
    agent_offline_grace_ms: session.agent_offline_grace_ms,
    compact_at: session.compact_at,
    ...(session.context_window !== null && { context_window: session.context_window }),
  });
  const turnIds = new Map<string, string>();
  const known = new Set<string>(credentials.map((credential) => credential.id));
  const row = await createSessionWithTree(
    db,
    values,
    ordered.map((message) => toCopy(message, turnIds, known)),
    file.leaf_id,
  );
  const id = row.id as SessionId;
  // How full the context is, as if the session had been there all along (context-accounting.ts).
  const leaf = await conversationLeaf(db, await currentConversationId(db, id));
  await setContextTokens(db, id, contextTokensOf(await branchSinceSummary(db, leaf)));
  return id;
}
