/**
 * A session as its lossless JSON export (protocol/src/rest/export.ts): settings, every message of
 * every branch in an order where a parent comes before its replies, and the leaf of the branch in
 * use. Read-only; the Markdown transcript (markdown.ts) is drawn from the same export.
 */
import {
  type ExportedMessage,
  type SessionExport,
  type SessionId,
  SESSION_EXPORT_FORMAT,
  SESSION_EXPORT_VERSION,
  SessionExportSchema,
  type TokenUsage,
} from "@maestro/protocol";
import type { Database } from "../db/client.ts";
import { conversationLeaf } from "../db/queries/branches.ts";
import { listCredentials } from "../db/queries/credentials.ts";
import { type MessageRow, currentConversationId, toMessage } from "../db/queries/messages.ts";
import { conversationMessages } from "../db/queries/session-trees.ts";
import type { sessions } from "../db/schema.ts";

type SessionRow = typeof sessions.$inferSelect;

function toExportedMessage(row: MessageRow, raw: boolean): ExportedMessage {
  // The wire message without what names this session (the file names its own) or is derived (siblings).
  const { session_id: _session, conversation_id: _conversation, siblings: _siblings, ...message } = toMessage(row);
  return { ...message, ...(raw && { raw_request: row.rawRequest, raw_response: row.rawResponse }) };
}

/**
 * Oldest first, but never a reply before its parent (a clock step backwards could otherwise put
 * it there, and an import inserts in this order).
 */
export function parentsFirst<T extends { id: string; parent_id: string | null }>(oldestFirst: readonly T[]): T[] {
  const placed = new Set<string>();
  const waiting = new Map<string, T[]>();
  const ordered: T[] = [];
  const place = (message: T) => {
    ordered.push(message);
    placed.add(message.id);
    const replies = waiting.get(message.id) ?? [];
    waiting.delete(message.id);
    for (const reply of replies) place(reply);
  };
  const known = new Set(oldestFirst.map((message) => message.id));
  for (const message of oldestFirst) {
    if (message.parent_id === null || placed.has(message.parent_id) || !known.has(message.parent_id)) place(message);
    else waiting.set(message.parent_id, [...(waiting.get(message.parent_id) ?? []), message]);
  }
  return ordered;
}

function totalsOf(exported: readonly ExportedMessage[]): { usage: TokenUsage; cost_usd: number } {
  const usage: TokenUsage = { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 };
  let cost = 0;
  for (const message of exported) {
    if (message.usage !== null) for (const key of Object.keys(usage) as (keyof TokenUsage)[]) usage[key] += message.usage[key];
    cost += message.cost_usd ?? 0;
  }
  // Summed in floating point: round to the column's precision (8 places), as the database does.
  return { usage, cost_usd: Math.round(cost * 1e8) / 1e8 };
}

export async function exportSession(db: Database, session: SessionRow, options: { raw: boolean; now?: Date }): Promise<SessionExport> {
  const conversationId = await currentConversationId(db, session.id as SessionId);
  const [rows, leaf, credentials] = await Promise.all([
    conversationMessages(db, conversationId, options),
    conversationLeaf(db, conversationId),
    listCredentials(db),
  ]);
  const credential = credentials.find((each) => each.id === session.credentialId);
  const exported = parentsFirst(rows.map((row) => toExportedMessage(row, options.raw)));
  return SessionExportSchema.parse({
    format: SESSION_EXPORT_FORMAT,
    version: SESSION_EXPORT_VERSION,
    exported_at: (options.now ?? new Date()).toISOString(),
    session: {
      title: session.title,
      provider: session.provider,
      model: session.model,
      system_prompt: session.systemPrompt,
      enabled_tools: session.enabledTools,
      enabled_mcp: session.enabledMcp,
      approval_mode: session.approvalMode,
      agent_offline: session.agentOffline,
      agent_offline_grace_ms: session.agentOfflineGraceMs,
      compact_at: session.compactAt,
      context_window: session.contextWindow,
      working_directory: session.workingDirectory,
      credential: credential === undefined ? null : { id: credential.id, label: credential.label },
      created_at: session.createdAt.toISOString(),
    },
    leaf_id: leaf,
    messages: exported,
    ...totalsOf(exported),
  });
}
