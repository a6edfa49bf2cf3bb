/**
 * What a restart leaves of a turn, made whole (TurnManager.recover): the answer it had streamed
 * kept as `partial`, its open approvals closed, an `interrupted` result stored for every call the
 * history still lacks one for — so the next request is one the provider accepts — and its
 * `turn_end` sent.
 */
import type { Message, SessionActivity } from "@maestro/protocol";
import type { SessionRuntime } from "./runtime.ts";
import type { CutOffTurn } from "./turn-record.ts";
import type { Transcript } from "./transcript.ts";

export interface RecoveryHost extends SessionRuntime {
  setActivity(activity: SessionActivity): void;
}

/** Every call in the history gets its one result before anything is sent (see history.ts). */
export async function repairHistory(host: SessionRuntime, transcript: Transcript): Promise<void> {
  for (const stored of await transcript.storeInterruptedResults()) {
    host.broadcast({ type: "message", message: stored });
    host.log.warn("tool_calls.interrupted", { session_id: host.sessionId, message_id: stored.id, calls: stored.content.length });
  }
}

export async function closeCutOffTurn(host: RecoveryHost, transcript: Transcript, cutOff: CutOffTurn): Promise<void> {
  const { turnId, partial, openApprovals } = cutOff;
  let message: Message | null = null;
  if (partial.hasOutput) {
    message = await transcript.store({
      ...(await transcript.row(
        turnId,
        "assistant",
        partial.content.filter((part) => part.type !== "tool_call"),
      )),
      status: "partial",
      error: "The session restarted before this answer was complete.",
    });
  }
  for (const callId of openApprovals)
    host.broadcast({ type: "approval_result", turn_id: turnId, call_id: callId, decision: "deny", by: "cancel" });
  await repairHistory(host, transcript);
  host.broadcast({
    type: "turn_end",
    turn_id: turnId,
    status: "interrupted",
    message,
    ...(cutOff.requestId !== undefined && { request_id: cutOff.requestId }),
  });
  host.setActivity("idle");
  host.log.warn("turn.interrupted", { session_id: host.sessionId, turn_id: turnId });
}
