/**
 * Telling the sessions that use a credential that it changed (a failed refresh, a login that
 * must be redone), so every watching client shows it at once, and the session feed, so every
 * credentials page does. Only sessions someone is watching are woken; the others read the
 * credential's state when they next run.
 */
import type { Credential } from "@maestro/protocol";
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../db/client.ts";
import { sessionIdsUsingCredential } from "../db/queries/sessions.ts";
import type { Env } from "../env.ts";
import { announceCredentialChange } from "../feed/announce.ts";
import { readLiveStates } from "../kv/presence.ts";
import type { Logger } from "../log.ts";
import { sessionStub } from "./stub.ts";

export async function noticeCredentialChange(
  deps: { env: Env; db: Database; redis: Redis; log: Logger },
  credential: Credential,
): Promise<void> {
  const announced = announceCredentialChange(deps.env, credential.id, deps.log);
  const sessionIds = await sessionIdsUsingCredential(deps.db, credential.id);
  const live = await readLiveStates(deps.redis, sessionIds);
  const watched = sessionIds.filter((id) => (live.get(id)?.presence.total ?? 0) > 0);
  await Promise.all(
    watched.map((id) =>
      sessionStub(deps.env, id)
        .credentialChanged(id, credential)
        .catch((error: unknown) => deps.log.warn("credential.notice_failed", { session_id: id, credential_id: credential.id, error })),
    ),
  );
  await announced;
}
