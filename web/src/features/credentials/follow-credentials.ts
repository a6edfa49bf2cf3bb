/**
 * Credential changes pushed by the session feed (a refresh that failed, a login to redo), so a
 * credentials page shows them without being reloaded. Returns the way to stop following.
 */
import type { CredentialId } from "@maestro/protocol";
import { followSessionFeed } from "../../lib/session-feed.ts";

export type FollowCredentials = (onChange: (credentialId: CredentialId) => void) => () => void;

export const followCredentials: FollowCredentials = (onChange) => followSessionFeed({ onCredentialChange: onChange });
