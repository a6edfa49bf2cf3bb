/** Agent templates: a named starting configuration for new sessions. */
import { z } from "zod";
import {
  AgentOfflineGraceSchema,
  AgentOfflineModeSchema,
  ApprovalModeSchema,
  DEFAULT_AGENT_OFFLINE_GRACE_MS,
  ProviderIdSchema,
  TimestampSchema,
  ToolNameSchema,
} from "../common.ts";
import { CredentialIdSchema, TemplateIdSchema } from "../ids.ts";
import { listOf } from "./common.ts";
import { BoundAgentsSchema, FallbackListSchema, FallbackSchema, ModelNameSchema } from "./sessions.ts";

const NameSchema = z.string().trim().min(1).max(100);
const DescriptionSchema = z.string().max(2000);
const ToolListSchema = z.array(ToolNameSchema).max(500);

export const CreateTemplateBodySchema = z.strictObject({
  name: NameSchema,
  description: DescriptionSchema.optional(),
  provider: ProviderIdSchema,
  model: ModelNameSchema,
  credential_id: CredentialIdSchema.optional(),
  system_prompt: z.string().max(100_000).optional(),
  enabled_tools: ToolListSchema.nullable().optional(),
  enabled_mcp: ToolListSchema.nullable().optional(),
  approval_mode: ApprovalModeSchema.optional(),
  agent_offline: AgentOfflineModeSchema.optional(),
  agent_offline_grace_ms: AgentOfflineGraceSchema.optional(),
  fallbacks: FallbackListSchema.optional(),
  /** Local agents, by name, that sessions made from the template bind (BoundAgentsSchema). */
  agents: BoundAgentsSchema.optional(),
});
export type CreateTemplateBody = z.infer<typeof CreateTemplateBodySchema>;

export const UpdateTemplateBodySchema = z
  .strictObject({
    name: NameSchema.optional(),
    description: DescriptionSchema.optional(),
    provider: ProviderIdSchema.optional(),
    model: ModelNameSchema.optional(),
    credential_id: CredentialIdSchema.nullable().optional(),
    system_prompt: z.string().max(100_000).nullable().optional(),
    enabled_tools: ToolListSchema.nullable().optional(),
    enabled_mcp: ToolListSchema.nullable().optional(),
    approval_mode: ApprovalModeSchema.optional(),
    agent_offline: AgentOfflineModeSchema.optional(),
    agent_offline_grace_ms: AgentOfflineGraceSchema.optional(),
    fallbacks: FallbackListSchema.optional(),
    /** Replaces the whole list; `[]` binds none. */
    agents: BoundAgentsSchema.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "give at least one field to change" });
export type UpdateTemplateBody = z.infer<typeof UpdateTemplateBodySchema>;

export const TemplateSchema = z.object({
  id: TemplateIdSchema,
  name: z.string(),
  description: z.string(),
  provider: ProviderIdSchema,
  model: z.string(),
  credential_id: CredentialIdSchema.nullable(),
  system_prompt: z.string().nullable(),
  enabled_tools: z.array(z.string()).nullable(),
  enabled_mcp: z.array(z.string()).nullable(),
  approval_mode: ApprovalModeSchema,
  /** Copied into every session made from the template (see SessionSchema). */
  agent_offline: AgentOfflineModeSchema.default("fail"),
  agent_offline_grace_ms: AgentOfflineGraceSchema.default(DEFAULT_AGENT_OFFLINE_GRACE_MS),
  /** Copied into every session made from the template (FallbackSchema). */
  fallbacks: z.array(FallbackSchema).default([]),
  /** Local agents, by name, bound by every session made from the template (unless it names its own). */
  agents: z.array(z.string()).default([]),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
});
export type Template = z.infer<typeof TemplateSchema>;

export const TemplateListSchema = listOf(TemplateSchema);
export type TemplateList = z.infer<typeof TemplateListSchema>;
