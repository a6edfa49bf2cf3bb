/**
 * Sessions: one live conversation with a model, its configuration and who is watching it.
 * `enabled_tools` / `enabled_mcp` of `null` mean "everything enabled globally"; a list narrows it.
 */
import { z } from "zod";
import { ApprovalModeSchema, PresenceSchema, ProviderIdSchema, TimestampSchema, TokenUsageSchema, ToolNameSchema } from "../common.ts";
import { AgentIdSchema, CredentialIdSchema, SessionIdSchema, TemplateIdSchema } from "../ids.ts";
import { listOf } from "./common.ts";

export const SessionStatusSchema = z.enum(["active", "archived"]);
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

/** What the session is doing right now (kept by its Durable Object). */
export const SessionActivitySchema = z.enum(["idle", "streaming", "waiting_approval", "waiting_tool"]);
export type SessionActivity = z.infer<typeof SessionActivitySchema>;

export const ModelNameSchema = z.string().trim().min(1).max(200);
const TitleSchema = z.string().trim().min(1).max(200);
const SystemPromptSchema = z.string().max(100_000);
const WorkingDirectorySchema = z.string().min(1).max(4096);
const ToolListSchema = z.array(ToolNameSchema).max(500);

export const CreateSessionBodySchema = z
  .strictObject({
    title: TitleSchema.optional(),
    provider: ProviderIdSchema.optional(),
    model: ModelNameSchema.optional(),
    credential_id: CredentialIdSchema.optional(),
    system_prompt: SystemPromptSchema.optional(),
    template_id: TemplateIdSchema.optional(),
    agent_id: AgentIdSchema.optional(),
    working_directory: WorkingDirectorySchema.optional(),
    enabled_tools: ToolListSchema.nullable().optional(),
    enabled_mcp: ToolListSchema.nullable().optional(),
    approval_mode: ApprovalModeSchema.optional(),
  })
  .superRefine((body, context) => {
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
    agent_id: AgentIdSchema.nullable().optional(),
    working_directory: WorkingDirectorySchema.nullable().optional(),
    enabled_tools: ToolListSchema.nullable().optional(),
    enabled_mcp: ToolListSchema.nullable().optional(),
    approval_mode: ApprovalModeSchema.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "give at least one field to change" });
export type UpdateSessionBody = z.infer<typeof UpdateSessionBodySchema>;

export const SessionSchema = z.object({
  id: SessionIdSchema,
  title: z.string(),
  provider: ProviderIdSchema,
  model: z.string(),
  credential_id: CredentialIdSchema.nullable(),
  system_prompt: z.string().nullable(),
  template_id: TemplateIdSchema.nullable(),
  agent_id: AgentIdSchema.nullable(),
  working_directory: z.string().nullable(),
  enabled_tools: z.array(z.string()).nullable(),
  enabled_mcp: z.array(z.string()).nullable(),
  approval_mode: ApprovalModeSchema,
  status: SessionStatusSchema,
  activity: SessionActivitySchema,
  usage: TokenUsageSchema,
  cost_usd: z.number().nonnegative(),
  presence: PresenceSchema,
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
