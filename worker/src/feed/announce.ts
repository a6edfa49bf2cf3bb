/**
 * How anything that changes a session tells the session lists: one call to the feed object, never
 * awaited by the change itself and never able to fail it — a list that misses one announcement
 * catches up at its next reload.
 */
import type { CredentialId, SessionId } from "@maestro/protocol";
import type { Env } from "../env.ts";
import type { LiveState } from "../kv/presence.ts";
import type { Logger } from "../log.ts";

/** The feed is one object for the deployment: a Maestro serves one user. */
const FEED_NAME = "sessions";

export function sessionFeed(env: Env) {
  return env.SESSION_FEED.get(env.SESSION_FEED.idFromName(FEED_NAME));
}

/** With `live`, the session's presence or activity changed: settled once the lists can read it. */
export async function announceSessionChange(env: Env, sessionId: SessionId, log: Logger, live?: LiveState): Promise<void> {
  try {
    await sessionFeed(env).publish(sessionId, live);
  } catch (error) {
    log.warn("feed.publish_failed", { session_id: sessionId, error });
  }
}

/** A credential's state changed (a failed refresh, a login to redo): the credentials pages reload. */
export async function announceCredentialChange(env: Env, credentialId: CredentialId, log: Logger): Promise<void> {
  try {
    await sessionFeed(env).publishCredential(credentialId);
  } catch (error) {
    log.warn("feed.publish_failed", { credential_id: credentialId, error });
  }
}
