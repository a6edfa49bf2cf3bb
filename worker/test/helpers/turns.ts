// Waiting for a turn from a test, through the session's object (no socket needed).
import type { SessionId, TurnResult } from "@maestro/protocol";
import { env } from "cloudflare:test";
import { unwrapRpcResult } from "../../src/session/rpc-result.ts";

export async function waitForTurn(sessionId: SessionId, turnId: string): Promise<TurnResult> {
  const stub = env.SESSION.get(env.SESSION.idFromName(sessionId));
  return unwrapRpcResult(await stub.waitForTurn(sessionId, turnId));
}

/** A REST send's answer when the test expects its turn to start at once (not to be queued). */
export function started<T extends object>(accepted: T): Exclude<T, { queued: unknown }> {
  if ("queued" in accepted) throw new Error("the message was queued, not started");
  return accepted as Exclude<T, { queued: unknown }>;
}
