/** The full picture a client gets when it joins fresh (or is too far behind to resume). */
import { type Message, PROTOCOL_VERSION, SNAPSHOT_MESSAGES, type SessionActivity, type SnapshotFrame } from "@maestro/protocol";
import { recentBranch } from "../db/queries/branches.ts";
import { getSession, toSession } from "../db/queries/sessions.ts";
import { AppError } from "../errors.ts";
import type { SessionRuntime } from "./runtime.ts";

/**
 * `unstored`: messages the session has shown (or is about to) that Postgres may not have yet — a
 * turn's user message is written once its model request has left, its steps a moment after they
 * are shown (write-behind.ts). Their frames went out before this client joined, so the snapshot
 * must hold them.
 */
export async function buildSnapshot(
  runtime: SessionRuntime,
  seq: number,
  live: Pick<SnapshotFrame, "turn" | "queue" | "queue_paused" | "requests">,
  activity: SessionActivity,
  unstored: readonly Message[],
): Promise<SnapshotFrame> {
  const db = runtime.db();
  const [record, stored] = await Promise.all([getSession(db, runtime.sessionId), recentBranch(db, runtime.sessionId, SNAPSHOT_MESSAGES)]);
  if (record === undefined) throw new AppError("SESSION_NOT_FOUND", "No session with that id.");
  const presence = runtime.presence();
  return {
    type: "snapshot",
    seq,
    protocol_version: PROTOCOL_VERSION,
    session: toSession(record, { presence, activity }, runtime.config),
    presence,
    messages: continued(stored, unstored).slice(-SNAPSHOT_MESSAGES),
    ...live,
  };
}

/**
 * The branch as Postgres has it, continued by the unstored messages that follow on from its newest
 * (each one's parent is the message before it): one that does not continue it — of another branch,
 * or stored meanwhile and already there — is left out.
 */
function continued(stored: readonly Message[], unstored: readonly Message[]): Message[] {
  const messages = [...stored];
  const known = new Set(stored.map((message) => message.id));
  for (const message of unstored) if (!known.has(message.id) && message.parent_id === (messages.at(-1)?.id ?? null)) messages.push(message);
  return messages;
}
