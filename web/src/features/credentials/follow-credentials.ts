/**
 * Credential changes pushed by the session feed (a refresh that failed, a login to redo), so a
 * credentials page shows them without being reloaded. Returns the way to stop following.
 */
import { type CredentialId, SessionFeedClient } from "@maestro/protocol";

export type FollowCredentials = (onChange: (credentialId: CredentialId) => void) => () => void;

export const followCredentials: FollowCredentials = (onChange) => {
  const feed = new SessionFeedClient({ baseUrl: window.location.origin, onCredentialChange: onChange });
  return () => feed.close();
};
