/**
 * The calls an AgentDO has sent (or will send) down its tunnel, correlated by id. Each waits for
 * its result frame until its deadline. A call outlives a dropped tunnel: when the agent comes
 * back it says which calls it still holds, and every other waiting call is sent again.
 */
import type { ToolOutcome, TunnelCallId, WorkerToAgent } from "@maestro/protocol";
import type { ToolProgress } from "../session/turn-ports.ts";

type CallFrame = Extract<WorkerToAgent, { type: "call" }>;

interface PendingCall {
  readonly frame: CallFrame;
  readonly onProgress: (progress: ToolProgress) => void;
  readonly settle: (outcome: ToolOutcome) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

const TIMED_OUT: ToolOutcome = {
  ok: false,
  code: "TIMEOUT",
  message: "The local agent did not answer before the call's deadline.",
  recoverable: true,
};

export class PendingCalls {
  readonly #calls = new Map<TunnelCallId, PendingCall>();
  readonly #onExpire: (id: TunnelCallId) => void;

  /** `onExpire` tells the agent to stop work nobody waits for any more. */
  constructor(onExpire: (id: TunnelCallId) => void) {
    this.#onExpire = onExpire;
  }

  get size(): number {
    return this.#calls.size;
  }

  /** Registers a call; resolves with its outcome, a timeout at its deadline, or a cancellation. */
  add(frame: CallFrame, onProgress: (progress: ToolProgress) => void, now: number): Promise<ToolOutcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          if (this.settle(frame.id, TIMED_OUT)) this.#onExpire(frame.id);
        },
        Math.max(0, frame.deadline - now),
      );
      this.#calls.set(frame.id, { frame, onProgress, settle: resolve, timer });
    });
  }

  progress(id: TunnelCallId, progress: ToolProgress): void {
    this.#calls.get(id)?.onProgress(progress);
  }

  /** Ends a call with its outcome; false when it had already ended (late or duplicate result). */
  settle(id: TunnelCallId, outcome: ToolOutcome): boolean {
    const call = this.#calls.get(id);
    if (call === undefined) return false;
    clearTimeout(call.timer);
    this.#calls.delete(id);
    call.settle(outcome);
    return true;
  }

  /** The frames to send again after a reconnect: every waiting call the agent does not hold. */
  unknownTo(running: readonly TunnelCallId[]): CallFrame[] {
    const held = new Set(running);
    return [...this.#calls.values()].filter((call) => !held.has(call.frame.id)).map((call) => call.frame);
  }
}
