/** Small vocabularies shared by REST bodies, socket frames and tunnel frames. */
import { z } from "zod";

/** The model providers a session can talk to (DESIGN §7). */
export const ProviderIdSchema = z.enum(["anthropic", "openai", "openai_responses", "codex", "gemini"]);
export type ProviderId = z.infer<typeof ProviderIdSchema>;

/**
 * When a tool call waits for the user: `auto` never asks, `ask` asks for edits and execution,
 * `always` asks for every call.
 */
export const ApprovalModeSchema = z.enum(["auto", "ask", "always"]);
export type ApprovalMode = z.infer<typeof ApprovalModeSchema>;

/**
 * What a session's tool call does when its local agent is offline: `fail` at once with
 * AGENT_OFFLINE, or `wait` (visibly) for the agent to come back, for at most the grace period.
 */
export const AgentOfflineModeSchema = z.enum(["fail", "wait"]);
export type AgentOfflineMode = z.infer<typeof AgentOfflineModeSchema>;
/** How long a call waits for an offline agent (ms): 1 s to 24 h. Default 10 minutes. */
export const AgentOfflineGraceSchema = z.number().int().min(1_000).max(86_400_000);
export const DEFAULT_AGENT_OFFLINE_GRACE_MS = 600_000;

/** What a tool does; `edit` and `execute` are the mutating kinds that `ask` mode stops at. */
export const ToolKindSchema = z.enum(["read", "edit", "execute", "fetch"]);
export type ToolKind = z.infer<typeof ToolKindSchema>;

/** The clients that can watch a session; presence is counted per kind. */
export const ClientKindSchema = z.enum(["web", "tui", "api"]);
export type ClientKind = z.infer<typeof ClientKindSchema>;

/** An instant as ISO 8601 UTC (`2026-11-24T19:00:00.000Z`). */
export const TimestampSchema = z.iso.datetime();

/** A tool or MCP server name as the model sees it: snake_case-ish, no spaces, bounded. */
export const ToolNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, "use letters, digits, '_' and '-' only");

/**
 * An MCP server's name: a short slug, because its tools reach the model as `<name>__<tool>` and
 * the double underscore must stay the one separator.
 */
export const McpServerNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9](?:[a-z0-9-]|_(?!_))*$/, "use lower-case letters, digits, '-' and single '_'");

/** A JSON Schema object, stored and passed along as-is. */
export const JsonSchemaObjectSchema = z.record(z.string(), z.unknown());

/** Who is watching a session right now. */
export const PresenceSchema = z.object({
  total: z.number().int().nonnegative(),
  web: z.number().int().nonnegative(),
  tui: z.number().int().nonnegative(),
  api: z.number().int().nonnegative(),
});
export type Presence = z.infer<typeof PresenceSchema>;

export const EMPTY_PRESENCE: Presence = { total: 0, web: 0, tui: 0, api: 0 };

/** Who is watching, as people read it ("2 web, 1 tui"); empty when nobody is. */
export function describePresence(presence: Presence): string {
  const { web, tui, api } = presence;
  return [web > 0 && `${web} web`, tui > 0 && `${tui} tui`, api > 0 && `${api} api`].filter(Boolean).join(", ");
}

/** Token counts of one model call (or a sum of them). */
export const TokenUsageSchema = z.object({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  cache_read_tokens: z.number().int().nonnegative(),
  cache_write_tokens: z.number().int().nonnegative(),
});
export type TokenUsage = z.infer<typeof TokenUsageSchema>;
