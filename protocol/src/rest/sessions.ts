/**
 * Sessions: one live conversation with a model, its configuration and who is watching it.
 * `enabled_tools` / `enabled_mcp` of `null` mean "everything enabled globally"; a list narrows it.
 */
import { z } from "zod";
import {
  AgentOfflineGraceSchema,
  AgentOfflineModeSchema,
  ApprovalModeSchema,
  DEFAULT_AGENT_OFFLINE_GRACE_MS,
  PresenceSchema,
  ProviderIdSchema,
  TimestampSchema,
  TokenUsageSchema,
  ToolNameSchema,
} from "../common.ts";
import { AgentIdSchema, CredentialIdSchema, MessageIdSchema, SessionIdSchema, TemplateIdSchema } from "../ids.ts";
import { listOf } from "./common.ts";
import { ContextWindowSchema } from "./models.ts";

export const SessionStatusSchema = z.enum(["active", "archived"]);
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

/** What the session is doing right now (kept by its Durable Object). */
export const SessionActivitySchema = z.enum(["idle", "streaming", "waiting_approval", "waiting_tool", "compacting"]);
export type SessionActivity = z.infer<typeof SessionActivitySchema>;

export const ModelNameSchema = z.string().trim().min(1).max(200);
const TitleSchema = z.string().trim().min(1).max(200);
const SystemPromptSchema = z.string().max(100_000);
const WorkingDirectorySchema = z.string().min(1).max(4096);
const ToolListSchema = z.array(ToolNameSchema).max(500);
/**
 * The local agents a session's tools run on, by name (names are unique among agents that are not
 * revoked, ignoring case). Empty: none named, so the most recently seen connected agent is used.
 * With one, the model sees the usual tool names; with several, every local tool takes a required
 * `machine` argument naming one of them.
 */
export const BoundAgentsSchema = z
  .array(z.string().trim().min(1).max(100))
  .max(16)
  .refine((names) => new Set(names.map((name) => name.toLowerCase())).size === names.length, { message: "name each agent once" });

/** How full the context may get (a share of the model's window) before older turns are compacted. */
export const CompactAtSchema = z.number().min(0.1).max(0.99);

/**
 * Where a turn goes on when the session's model fails for good (retries spent on 429/5xx/overload,
 * a revoked or signed-out credential, a model that is gone): the next entry, in order. Without a
 * `credential_id`, a fallback uses the session's credential, which must then be of its provider.
 */
export const FallbackSchema = z.strictObject({
  provider: ProviderIdSchema,
  model: ModelNameSchema,
  credential_id: CredentialIdSchema.optional(),
});
export type Fallback = z.infer<typeof FallbackSchema>;
/** At most a handful: each one is tried only after the one before has failed for good. */
export const FallbackListSchema = z.array(FallbackSchema).max(8);

export const CreateSessionBodySchema = z
  .strictObject({
    title: TitleSchema.optional(),
    provider: ProviderIdSchema.optional(),
    model: ModelNameSchema.optional(),
    credential_id: CredentialIdSchema.optional(),
    system_prompt: SystemPromptSchema.optional(),
    template_id: TemplateIdSchema.optional(),
    /** One agent by id; the same as `agents: [its name]`. Give this or `agents`, not both. */
    agent_id: AgentIdSchema.optional(),
    /** The agents to bind, by name (BoundAgentsSchema); a template's are used when this and agent_id are absent. */
    agents: BoundAgentsSchema.optional(),
    working_directory: WorkingDirectorySchema.optional(),
    enabled_tools: ToolListSchema.nullable().optional(),
    enabled_mcp: ToolListSchema.nullable().optional(),
    approval_mode: ApprovalModeSchema.optional(),
    /** A tool call while the session's agent is offline: fail at once (default) or wait; a template's is used when absent. */
    agent_offline: AgentOfflineModeSchema.optional(),
    /** How long a call waits for an offline agent, in ms (default 10 minutes). */
    agent_offline_grace_ms: AgentOfflineGraceSchema.optional(),
    /** Overrides the global threshold (MAESTRO_COMPACT_AT) for this session. */
    compact_at: CompactAtSchema.nullable().optional(),
    /** The model's context window in tokens, when the catalog (and the credential) have it wrong or not at all. */
    context_window: ContextWindowSchema.optional(),
    /** Fallback models, in order (FallbackSchema); a template's are used when this is absent. */
    fallbacks: FallbackListSchema.optional(),
  })
  .superRefine((body, context) => {
    if (body.agent_id !== undefined && body.agents !== undefined)
      context.addIssue({ code: "custom", path: ["agents"], message: "give agent_id or agents, not both" });
    // A template can supply provider and model; without one the caller must.
    if (body.template_id !== undefined) return;
    for (const field of ["provider", "model"] as const) {
      if (body[field] === undefined) {
        context.addIssue({ code: "custom", path: [field], message: `${field} is required without template_id` });
      }
    }
  });
export type CreateSessionBody = z.infer<typeof CreateSessionBodySchema>;

export const UpdateSessionBodySchema = z
  .strictObject({
    title: TitleSchema.optional(),
    provider: ProviderIdSchema.optional(),
    model: ModelNameSchema.optional(),
    credential_id: CredentialIdSchema.nullable().optional(),
    system_prompt: SystemPromptSchema.nullable().optional(),
    /** One agent by id (null: none); the same as `agents: [its name]` (or `[]`). */
    agent_id: AgentIdSchema.nullable().optional(),
    /** Replaces the whole binding; `[]` binds none (the most recently seen connected agent is used). */
    agents: BoundAgentsSchema.optional(),
    working_directory: WorkingDirectorySchema.nullable().optional(),
    enabled_tools: ToolListSchema.nullable().optional(),
    enabled_mcp: ToolListSchema.nullable().optional(),
    approval_mode: ApprovalModeSchema.optional(),
    agent_offline: AgentOfflineModeSchema.optional(),
    agent_offline_grace_ms: AgentOfflineGraceSchema.optional(),
    compact_at: CompactAtSchema.nullable().optional(),
    /** null goes back to the credential's or the catalog's window. */
    context_window: ContextWindowSchema.nullable().optional(),
    /** Replaces the whole list; `[]` removes every fallback. */
    fallbacks: FallbackListSchema.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "give at least one field to change" })
  .refine((body) => body.agent_id === undefined || body.agents === undefined, {
    path: ["agents"],
    message: "give agent_id or agents, not both",
  });
export type UpdateSessionBody = z.infer<typeof UpdateSessionBodySchema>;

/**
 * How full the session's context is: the input of its last model call (cache included) and its
 * answer, plus an estimate for what was added since; against the model's window when known.
 */
export const SessionContextSchema = z.object({
  used_tokens: z.number().int().nonnegative(),
  window_tokens: z.number().int().positive().nullable(),
  /** The share of the window at which older turns are compacted before the next request. */
  compact_at: CompactAtSchema,
});
export type SessionContext = z.infer<typeof SessionContextSchema>;

/** Where a forked session came from: the session, and the message its copied history ends at. */
export const ForkOriginSchema = z.object({ session_id: SessionIdSchema, message_id: MessageIdSchema });
export type ForkOrigin = z.infer<typeof ForkOriginSchema>;

export const SessionSchema = z.object({
  id: SessionIdSchema,
  title: z.string(),
  provider: ProviderIdSchema,
  model: z.string(),
  credential_id: CredentialIdSchema.nullable(),
  system_prompt: z.string().nullable(),
  template_id: TemplateIdSchema.nullable(),
  /** The bound agent when exactly one is bound; null otherwise (see `agents`). */
  agent_id: AgentIdSchema.nullable(),
  /** The bound agents' names, in the order given; empty: the most recently seen connected agent. */
  agents: z.array(z.string()).default([]),
  working_directory: z.string().nullable(),
  enabled_tools: z.array(z.string()).nullable(),
  enabled_mcp: z.array(z.string()).nullable(),
  approval_mode: ApprovalModeSchema,
  /** A tool call while the agent is offline: `fail` at once, or `wait` up to `agent_offline_grace_ms`. */
  agent_offline: AgentOfflineModeSchema.default("fail"),
  agent_offline_grace_ms: AgentOfflineGraceSchema.default(DEFAULT_AGENT_OFFLINE_GRACE_MS),
  status: SessionStatusSchema,
  activity: SessionActivitySchema,
  usage: TokenUsageSchema,
  cost_usd: z.number().nonnegative(),
  /** This session's own compaction threshold; null: the global one (context.compact_at is what applies). */
  compact_at: CompactAtSchema.nullable(),
  context: SessionContextSchema,
  /** This session's context window override (see CreateSessionBodySchema); null when it has none. */
  context_window: ContextWindowSchema.nullable(),
  /** Where a turn goes on when the model fails for good, in order (FallbackSchema). */
  fallbacks: z.array(FallbackSchema).default([]),
  presence: PresenceSchema,
  /** Set on a session made by `POST /sessions/:id/fork`; the other way: `GET /sessions/:id/forks`. */
  forked_from: ForkOriginSchema.nullable(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
  last_activity_at: TimestampSchema,
  archived_at: TimestampSchema.nullable(),
});
export type Session = z.infer<typeof SessionSchema>;

export const SessionListSchema = listOf(SessionSchema);
export type SessionList = z.infer<typeof SessionListSchema>;

export const ListSessionsQuerySchema = z.strictObject({
  status: z.enum(["active", "archived", "all"]).default("active"),
  /** Case-insensitive substring of the title. */
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListSessionsQuery = z.infer<typeof ListSessionsQuerySchema>;

export const SessionParamsSchema = z.strictObject({ id: SessionIdSchema });
