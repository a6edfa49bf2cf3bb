/**
 * The session feed (`GET /api/v1/sessions/feed`, WebSocket): one socket that tells a client when
 * any session changed — created, renamed, reconfigured, archived, watched or left by a client, or
 * moving between idle, streaming and waiting. It carries only which session changed: the list
 * itself stays the REST answer (`GET /sessions`), so a client reloads what it shows and can never
 * drift from it. Authenticated like the session socket, with the same sub-protocol and keep-alive.
 */
import { z } from "zod";
import { SessionIdSchema } from "./ids.ts";

export const SessionChangedFrameSchema = z.looseObject({
  type: z.literal("session_changed"),
  session_id: SessionIdSchema,
});
export type SessionChangedFrame = z.infer<typeof SessionChangedFrameSchema>;

export const SessionFeedFrameSchema = z.discriminatedUnion("type", [SessionChangedFrameSchema, z.looseObject({ type: z.literal("pong") })]);
export type SessionFeedFrame = z.infer<typeof SessionFeedFrameSchema>;

export const SESSION_FEED_PATH = "/api/v1/sessions/feed";
