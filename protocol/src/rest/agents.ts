/**
 * Local agents: `maestro-agent` daemons on the user's machines. Creating one returns its token
 * exactly once; the server keeps only a hash.
 */
import { z } from "zod";
import { TimestampSchema } from "../common.ts";
import { AgentIdSchema } from "../ids.ts";
import { AgentSandboxSchema } from "../tunnel.ts";
import { listOf } from "./common.ts";

const NameSchema = z.string().trim().min(1).max(100);

export const CreateAgentBodySchema = z.strictObject({ name: NameSchema });
export type CreateAgentBody = z.infer<typeof CreateAgentBodySchema>;

export const UpdateAgentBodySchema = z.strictObject({ name: NameSchema });
export type UpdateAgentBody = z.infer<typeof UpdateAgentBodySchema>;

export const AgentSchema = z.object({
  id: AgentIdSchema,
  name: z.string(),
  /** Folders the agent may touch, as it last registered them. */
  roots: z.array(z.string()),
  version: z.string().nullable(),
  connected: z.boolean(),
  /**
   * How the agent runs commands, as it last registered: under an OS sandbox ("bwrap",
   * "sandbox-exec") or not ("none": commands are not sandboxed), with `summary` saying so in words.
   * Null when unknown (never registered, or an agent from before sandboxes were reported).
   */
  sandbox: AgentSandboxSchema.extend({ summary: z.string() }).nullable(),
  last_seen_at: TimestampSchema.nullable(),
  revoked_at: TimestampSchema.nullable(),
  created_at: TimestampSchema,
});
export type Agent = z.infer<typeof AgentSchema>;

/** The only answer that carries the agent token. */
export const CreatedAgentSchema = AgentSchema.extend({ token: z.string() });
export type CreatedAgent = z.infer<typeof CreatedAgentSchema>;

export const AgentListSchema = listOf(AgentSchema);
export type AgentList = z.infer<typeof AgentListSchema>;
