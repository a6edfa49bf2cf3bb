/**
 * What a turn writes down beside its frames: one log line per provider call, and which turn a
 * broadcast frame belongs to (for a turn's listeners and its snapshot buffer).
 */
import type { BroadcastFrame, TurnId } from "@maestro/protocol";
import type { CompletedStep } from "./agent-loop.ts";
import type { SessionRuntime } from "./runtime.ts";

/** One line per provider call: what it cost and how long it took (no secrets). */
export function logCall(host: Pick<SessionRuntime, "log" | "sessionId">, turnId: TurnId, step: CompletedStep): void {
  const usage = step.usage;
  host.log.info("provider.call", {
    session_id: host.sessionId,
    turn_id: turnId,
    provider: step.target.provider,
    model: step.target.model,
    status: step.status,
    latency_ms: step.latencyMs,
    time_to_first_token_ms: step.timeToFirstTokenMs,
    input_tokens: usage?.input_tokens ?? null,
    output_tokens: usage?.output_tokens ?? null,
    cache_read_tokens: usage?.cache_read_tokens ?? null,
    cache_write_tokens: usage?.cache_write_tokens ?? null,
    cost_usd: step.costUsd,
    stop_reason: step.stopReason,
    error_code: step.error?.code ?? null,
  });
}

/** The turn a broadcast frame belongs to, if any. */
export function turnOf(frame: BroadcastFrame): string | null {
  switch (frame.type) {
    case "message":
      return frame.message.turn_id;
    case "event":
    case "turn_end":
    case "approval_request":
    case "approval_result":
      return frame.turn_id;
    case "branch":
    case "presence":
    case "session_update":
    case "credential_update":
    case "queue":
      return null;
  }
}
