/** The one way to reach a session's Durable Object: one object per session, named by its id. */
import type { SessionId } from "@maestro/protocol";
import type { Env } from "../env.ts";

export function sessionStub(env: Env, id: SessionId) {
  return env.SESSION.get(env.SESSION.idFromName(id));
}
