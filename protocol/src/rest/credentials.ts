/**
 * Credentials: API keys (and, later, OAuth tokens) for the providers. The secret goes in once,
 * on create, and never comes back: responses carry only `hint`, its last four characters.
 */
import { z } from "zod";
import { ProviderIdSchema, TimestampSchema } from "../common.ts";
import { CredentialIdSchema } from "../ids.ts";
import { listOf } from "./common.ts";
import { ContextWindowSchema } from "./models.ts";

export const AuthTypeSchema = z.enum(["api_key", "oauth"]);
export type AuthType = z.infer<typeof AuthTypeSchema>;

/** An http(s) URL; a credential's `base_url` overrides the provider's endpoint. */
export const HttpUrlSchema = z.url({ protocol: /^https?$/, error: "must be an http or https URL" }).max(2048);

export const CreateCredentialBodySchema = z.strictObject({
  provider: ProviderIdSchema,
  auth_type: z.literal("api_key"),
  label: z.string().trim().min(1).max(100),
  api_key: z.string().trim().min(1).max(4096),
  base_url: HttpUrlSchema.optional(),
  /** The window of the models this credential reaches, in tokens, when the catalog's is wrong for them. */
  context_window: ContextWindowSchema.optional(),
});
export type CreateCredentialBody = z.infer<typeof CreateCredentialBodySchema>;

export const UpdateCredentialBodySchema = z
  .strictObject({
    label: z.string().trim().min(1).max(100).optional(),
    is_enabled: z.boolean().optional(),
    base_url: HttpUrlSchema.nullable().optional(),
    /** null goes back to the catalog's window. */
    context_window: ContextWindowSchema.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "give at least one field to change" });
export type UpdateCredentialBody = z.infer<typeof UpdateCredentialBodySchema>;

export const CredentialSchema = z.object({
  id: CredentialIdSchema,
  provider: ProviderIdSchema,
  auth_type: AuthTypeSchema,
  label: z.string(),
  /** The last four characters of the secret, e.g. `…a1b2`. */
  hint: z.string(),
  base_url: z.string().nullable(),
  /** Overrides the catalog's context window for sessions using this credential (a session's own wins). */
  context_window: ContextWindowSchema.nullable(),
  is_enabled: z.boolean(),
  expires_at: TimestampSchema.nullable(),
  needs_reauth: z.boolean(),
  last_error: z.string().nullable(),
  last_used_at: TimestampSchema.nullable(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
});
export type Credential = z.infer<typeof CredentialSchema>;

export const CredentialListSchema = listOf(CredentialSchema);
export type CredentialList = z.infer<typeof CredentialListSchema>;

export const CredentialTestResultSchema = z.object({
  ok: z.boolean(),
  latency_ms: z.number().int().nonnegative(),
  message: z.string(),
});
export type CredentialTestResult = z.infer<typeof CredentialTestResultSchema>;
