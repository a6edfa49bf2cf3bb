/**
 * OAuth login flows (DESIGN §7, §8): start returns where to send the user; finish takes the code
 * back (pasted, or from a loopback redirect the TUI ran) and stores the tokens as a credential.
 */
import { z } from "zod";
import { McpServerIdSchema } from "../ids.ts";
import { HttpUrlSchema } from "./credentials.ts";

export const OAuthFlowSchema = z.enum(["codex", "mcp", "google"]);
export type OAuthFlow = z.infer<typeof OAuthFlowSchema>;

export const StartOAuthBodySchema = z.strictObject({
  label: z.string().trim().min(1).max(100).optional(),
  /** A loopback redirect the TUI listens on; without it the user pastes the code back. */
  redirect_uri: HttpUrlSchema.optional(),
  /** For `mcp`: which server to authorize. */
  mcp_server_id: McpServerIdSchema.optional(),
});
export type StartOAuthBody = z.infer<typeof StartOAuthBodySchema>;

export const OAuthStartedSchema = z.object({
  authorize_url: z.string(),
  state: z.string(),
  expires_at: z.iso.datetime(),
});
export type OAuthStarted = z.infer<typeof OAuthStartedSchema>;

export const FinishOAuthBodySchema = z.strictObject({
  state: z.string().min(1).max(512),
  /** The authorization code, or the whole redirect URL it arrived on. */
  code: z.string().min(1).max(4096),
});
export type FinishOAuthBody = z.infer<typeof FinishOAuthBodySchema>;
