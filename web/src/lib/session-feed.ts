/**
 * One session-feed socket per page, shared by everything that follows the feed: the session
 * list, the approvals link and inbox, and the credentials panel. Each used to open its own, so the
 * sessions page held three sockets and the feed's object sent every change to each; with many
 * busy sessions that is every activity change three times over, per open tab. The socket opens
 * with the first follower and closes soon after the last leaves; each follower hears every change
 * and every (re)connect.
 */
import { type CredentialId, SessionFeedClient, type SessionFeedOptions, type SessionId } from "@maestro/protocol";

export type FeedFollower = Pick<SessionFeedOptions, "onChange" | "onCredentialChange" | "onOpen">;

const followers = new Set<FeedFollower>();
let feed: SessionFeedClient | undefined;
let closing: ReturnType<typeof setTimeout> | undefined;

function each(call: (follower: FeedFollower) => void): void {
  // A copy: a follower may stop following from inside its own callback.
  for (const follower of [...followers]) call(follower);
}

/** Follows the page's session feed; returns the way to stop (calling it again does nothing). */
export function followSessionFeed(follower: FeedFollower, options: Pick<SessionFeedOptions, "socketFactory"> = {}): () => void {
  followers.add(follower);
  clearTimeout(closing);
  feed ??= new SessionFeedClient({
    baseUrl: window.location.origin,
    ...options,
    onChange: (sessionId: SessionId) => each((one) => one.onChange?.(sessionId)),
    onCredentialChange: (credentialId: CredentialId) => each((one) => one.onCredentialChange?.(credentialId)),
    onOpen: () => each((one) => one.onOpen?.()),
  });
  let following = true;
  return () => {
    if (!following) return;
    following = false;
    followers.delete(follower);
    if (followers.size > 0) return;
    // Closed once the current task is over: when a render changes what the followers depend on,
    // React runs every effect's cleanup before any new one, and the page would reconnect for nothing.
    clearTimeout(closing);
    closing = setTimeout(() => {
      if (followers.size > 0) return;
      feed?.close();
      feed = undefined;
    }, 0);
  };
}
