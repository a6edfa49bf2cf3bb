/** The full picture a client gets when it joins fresh (or is too far behind to resume). */
import { PROTOCOL_VERSION, SNAPSHOT_MESSAGES, type SessionActivity, type SnapshotFrame } from "@maestro/protocol";
import { recentBranch } from "../db/queries/branches.ts";
import { getSession, toSession } from "../db/queries/sessions.ts";
import { AppError } from "../errors.ts";
import type { SessionRuntime } from "./runtime.ts";

export async function buildSnapshot(
  runtime: SessionRuntime,
  seq: number,
  live: Pick<SnapshotFrame, "turn" | "queue" | "queue_paused" | "requests">,
  activity: SessionActivity,
): Promise<SnapshotFrame> {
  const db = runtime.db();
  const [record, messages] = await Promise.all([getSession(db, runtime.sessionId), recentBranch(db, runtime.sessionId, SNAPSHOT_MESSAGES)]);
  if (record === undefined) throw new AppError("SESSION_NOT_FOUND", "No session with that id.");
  const presence = runtime.presence();
  return {
    type: "snapshot",
    seq,
    protocol_version: PROTOCOL_VERSION,
    session: toSession(record, { presence, activity }, runtime.config),
    presence,
    messages,
    ...live,
  };
}
