/**
 * Export and import of a whole session (`GET /sessions/:id/export`, `POST /sessions/import`).
 * The JSON export is lossless: the session's settings and its whole message tree — every branch,
 * tool calls and results, usage, cost, timings — and which message the branch in use ends at.
 * Importing it recreates the session with new ids; exporting that again gives the same file
 * apart from ids and timestamps. Import also takes an OpenAI-style `messages` list.
 */
import { z } from "zod";
import {
  AgentOfflineGraceSchema,
  AgentOfflineModeSchema,
  ApprovalModeSchema,
  DEFAULT_AGENT_OFFLINE_GRACE_MS,
  ProviderIdSchema,
  TimestampSchema,
  TokenUsageSchema,
  ToolNameSchema,
} from "../common.ts";
import { CredentialIdSchema, MessageIdSchema, TurnIdSchema } from "../ids.ts";
import { StopReasonSchema } from "../stream-event.ts";
import { ContentPartSchema, MessageRoleSchema, MessageStatusSchema } from "./messages.ts";
import { ContextWindowSchema } from "./models.ts";
import { CompactAtSchema, ModelNameSchema } from "./sessions.ts";

export const SESSION_EXPORT_FORMAT = "maestro.session";
export const SESSION_EXPORT_VERSION = 1;
/** The most messages one import takes (the body cap, 16 MiB, usually comes first). */
export const MAX_IMPORT_MESSAGES = 50_000;
/** The largest import body, in bytes: past it the route answers 413 PAYLOAD_TOO_LARGE. */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

export const ExportFormatSchema = z.enum(["md", "json"]);
export type ExportFormat = z.infer<typeof ExportFormatSchema>;

export const ExportSessionQuerySchema = z.strictObject({
  format: ExportFormatSchema.default("json"),
  /**
   * JSON only: also each answer's `raw_request` / `raw_response` (what went upstream and came back,
   * secrets removed). Off by default: they are most of a session's bytes and nothing needs them to
   * continue the session.
   */
  raw: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
});
export type ExportSessionQuery = z.infer<typeof ExportSessionQuerySchema>;

/** The session's settings. No secret: the credential is only named, as a hint for the importer. */
export const ExportedSettingsSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  provider: ProviderIdSchema,
  model: ModelNameSchema,
  system_prompt: z.string().max(100_000).nullable(),
  enabled_tools: z.array(ToolNameSchema).max(500).nullable(),
  enabled_mcp: z.array(ToolNameSchema).max(500).nullable(),
  approval_mode: ApprovalModeSchema,
  /** Absent in files from before the setting existed: the defaults. */
  agent_offline: AgentOfflineModeSchema.default("fail"),
  agent_offline_grace_ms: AgentOfflineGraceSchema.default(DEFAULT_AGENT_OFFLINE_GRACE_MS),
  compact_at: CompactAtSchema.nullable(),
  context_window: ContextWindowSchema.nullable(),
  working_directory: z.string().min(1).max(4096).nullable(),
  /** The credential the session used. Import uses the one with this id (else label) when it exists, and never requires it. */
  credential: z.strictObject({ id: CredentialIdSchema, label: z.string().max(200) }).nullable(),
  created_at: TimestampSchema,
});
export type ExportedSettings = z.infer<typeof ExportedSettingsSchema>;

/** One message of the tree. Ids (and compaction parts' message ids) only name messages of this file. */
export const ExportedMessageSchema = z.strictObject({
  id: MessageIdSchema,
  parent_id: MessageIdSchema.nullable(),
  turn_id: TurnIdSchema.nullable(),
  role: MessageRoleSchema,
  content: z.array(ContentPartSchema),
  status: MessageStatusSchema,
  provider: ProviderIdSchema.nullable(),
  model: z.string().max(200).nullable(),
  /** The credential that produced the answer (after a failover, a fallback's); kept on import when it exists there. */
  credential_id: CredentialIdSchema.nullable().optional(),
  usage: TokenUsageSchema.nullable(),
  cost_usd: z.number().nonnegative().nullable(),
  latency_ms: z.number().int().nonnegative().nullable(),
  time_to_first_token_ms: z.number().int().nonnegative().nullable(),
  stop_reason: StopReasonSchema.nullable(),
  error: z.string().nullable(),
  created_at: TimestampSchema,
  /** Present with `?raw=true`. */
  raw_request: z.unknown().optional(),
  raw_response: z.unknown().optional(),
});
export type ExportedMessage = z.infer<typeof ExportedMessageSchema>;

/** `GET /sessions/:id/export?format=json`, and what `POST /sessions/import` takes back. */
export const SessionExportSchema = z.strictObject({
  format: z.literal(SESSION_EXPORT_FORMAT),
  version: z.literal(SESSION_EXPORT_VERSION),
  exported_at: TimestampSchema,
  session: ExportedSettingsSchema,
  /** The newest message of the branch in use (null: no messages). */
  leaf_id: MessageIdSchema.nullable(),
  /** Every message of every branch, oldest first (a parent always before its replies). */
  messages: z.array(ExportedMessageSchema).max(MAX_IMPORT_MESSAGES),
  /** The sums over `messages`, for readers; ignored on import. */
  usage: TokenUsageSchema.optional(),
  cost_usd: z.number().nonnegative().optional(),
});
export type SessionExport = z.infer<typeof SessionExportSchema>;

const OpenAIContentPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });
const OpenAIToolCallSchema = z.looseObject({
  id: z.string().min(1).max(256),
  type: z.literal("function").optional(),
  function: z.looseObject({ name: ToolNameSchema, arguments: z.string() }),
});

/** One message of an OpenAI Chat Completions `messages` list (the parts import understands). */
export const OpenAIChatMessageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z.union([z.string(), z.array(OpenAIContentPartSchema), z.null()]).optional(),
  tool_calls: z.array(OpenAIToolCallSchema).optional(),
  tool_call_id: z.string().min(1).max(256).optional(),
});
export type OpenAIChatMessage = z.infer<typeof OpenAIChatMessageSchema>;

/** A bare OpenAI-style `messages` list. */
export const OpenAIChatMessagesSchema = z.array(OpenAIChatMessageSchema).min(1).max(MAX_IMPORT_MESSAGES);

/** `{messages, model?}` as sent to Chat Completions (its other fields are ignored). */
export const OpenAIChatImportSchema = z.looseObject({ messages: OpenAIChatMessagesSchema, model: ModelNameSchema.optional() });
export type OpenAIChatImport = z.infer<typeof OpenAIChatImportSchema>;

/** `POST /sessions/import?…`: settings for the new session, over what the file says. */
export const ImportSessionQuerySchema = z.strictObject({
  provider: ProviderIdSchema.optional(),
  model: ModelNameSchema.optional(),
  credential_id: CredentialIdSchema.optional(),
  title: z.string().trim().min(1).max(200).optional(),
});
export type ImportSessionQuery = z.infer<typeof ImportSessionQuerySchema>;
