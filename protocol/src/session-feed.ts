/**
 * The session feed (`GET /api/v1/sessions/feed`, WebSocket): one socket that tells a client when
 * any session changed — created, renamed, reconfigured, archived, watched or left by a client, or
 * moving between idle, streaming and waiting — and when a credential's state changed (a refresh
 * failed, a login must be redone), so a credentials page shows it without being reloaded. It
 * carries only what changed: the lists themselves stay the REST answers (`GET /sessions`,
 * `GET /credentials`), so a client reloads what it shows and can never drift from them. Authenticated like the session socket, with the same sub-protocol and keep-alive.
 */
import { z } from "zod";
import { CredentialIdSchema, SessionIdSchema } from "./ids.ts";

export const SessionChangedFrameSchema = z.looseObject({
  type: z.literal("session_changed"),
  session_id: SessionIdSchema,
});
export type SessionChangedFrame = z.infer<typeof SessionChangedFrameSchema>;

export const CredentialChangedFrameSchema = z.looseObject({
  type: z.literal("credential_changed"),
  credential_id: CredentialIdSchema,
});
export type CredentialChangedFrame = z.infer<typeof CredentialChangedFrameSchema>;

export const SessionFeedFrameSchema = z.discriminatedUnion("type", [
  SessionChangedFrameSchema,
  CredentialChangedFrameSchema,
  z.looseObject({ type: z.literal("pong") }),
]);
export type SessionFeedFrame = z.infer<typeof SessionFeedFrameSchema>;

export const SESSION_FEED_PATH = "/api/v1/sessions/feed";
