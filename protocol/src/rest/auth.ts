/**
 * The web UI's sign-in (DESIGN §4): the API token is exchanged once for an HttpOnly session
 * cookie; every state-changing request then carries the CSRF token this answer gives (header
 * `x-csrf-token`). Scripts and the TUI keep using `Authorization: Bearer`.
 */
import { z } from "zod";
import { TimestampSchema } from "../common.ts";

export const SignInBodySchema = z.strictObject({ token: z.string().min(1).max(4096) });
export type SignInBody = z.infer<typeof SignInBodySchema>;

export const WebSessionSchema = z.object({
  /** Send it back as `x-csrf-token` on every POST, PATCH and DELETE. */
  csrf_token: z.string(),
  expires_at: TimestampSchema,
});
export type WebSession = z.infer<typeof WebSessionSchema>;

export const CSRF_HEADER = "x-csrf-token";
