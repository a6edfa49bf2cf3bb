/**
 * OAuth login flows (DESIGN §7, §8). `start` returns where to send the user; `finish` takes the
 * code back — pasted into the web UI or TUI (the code alone, or the whole URL the browser was
 * redirected to), or handed over by the TUI after its own loopback redirect — and stores the
 * tokens as a credential. Codex also has a device-code flow for when no browser can reach the
 * redirect at all. The Codex login is unofficial: it presents the Codex CLI's public client.
 */
import { z } from "zod";
import { TimestampSchema } from "../common.ts";
import { CredentialIdSchema, McpServerIdSchema } from "../ids.ts";
import { HttpUrlSchema } from "./credentials.ts";

export const OAuthFlowSchema = z.enum(["codex", "mcp"]);
export type OAuthFlow = z.infer<typeof OAuthFlowSchema>;

const LabelSchema = z.string().trim().min(1).max(100);

export const StartOAuthBodySchema = z.strictObject({
  label: LabelSchema.optional(),
  /**
   * Where the browser is sent back to. Codex accepts only its registered loopback
   * (`http://localhost:1455/auth/callback`, the default); the TUI listens there.
   */
  redirect_uri: HttpUrlSchema.optional(),
  /** For `mcp`: which server to authorize. */
  mcp_server_id: McpServerIdSchema.optional(),
  /** Sign in again for this credential (one that needs a new login) instead of adding a new one. */
  credential_id: CredentialIdSchema.optional(),
});
export type StartOAuthBody = z.infer<typeof StartOAuthBodySchema>;

export const OAuthStartedSchema = z.object({
  authorize_url: z.string(),
  state: z.string(),
  redirect_uri: z.string(),
  /** After this the login must be started again. */
  expires_at: TimestampSchema,
  /** True for logins that borrow another client's identity (Codex): show it to the user. */
  unofficial: z.boolean(),
});
export type OAuthStarted = z.infer<typeof OAuthStartedSchema>;

export const FinishOAuthBodySchema = z.strictObject({
  state: z.string().min(1).max(512),
  /** The authorization code, or the whole redirect URL it arrived on. */
  code: z.string().min(1).max(8192),
});
export type FinishOAuthBody = z.infer<typeof FinishOAuthBodySchema>;

export const StartDeviceLoginBodySchema = z.strictObject({ label: LabelSchema.optional(), credential_id: CredentialIdSchema.optional() });
export type StartDeviceLoginBody = z.infer<typeof StartDeviceLoginBodySchema>;

export const DeviceLoginStartedSchema = z.object({
  /** Identifies this login in `poll`. */
  state: z.string(),
  /** What the user types at `verification_uri`. */
  user_code: z.string(),
  verification_uri: z.string(),
  /** Poll no more often than this. */
  interval_seconds: z.number().int().positive(),
  expires_at: TimestampSchema,
  unofficial: z.boolean(),
});
export type DeviceLoginStarted = z.infer<typeof DeviceLoginStartedSchema>;

export const PollDeviceLoginBodySchema = z.strictObject({ state: z.string().min(1).max(512) });
export type PollDeviceLoginBody = z.infer<typeof PollDeviceLoginBodySchema>;

export const DeviceLoginPendingSchema = z.object({ status: z.literal("pending") });
export type DeviceLoginPending = z.infer<typeof DeviceLoginPendingSchema>;
