/**
 * The calls an AgentDO has sent (or will send) down its tunnel, correlated by id. Each waits for
 * its result frame until its deadline. A call outlives a dropped tunnel: when the agent comes
 * back it says which calls it still holds and which process it is. A waiting call it does not
 * hold is sent again, unless it was delivered to another process of the agent (which crashed or
 * was restarted) and edits or executes: the first run may have happened, so it fails instead.
 */
import type { ToolKind, ToolOutcome, TunnelCallId, WorkerToAgent } from "@maestro/protocol";
import type { ToolProgress } from "../session/turn-ports.ts";

type CallFrame = Extract<WorkerToAgent, { type: "call" }>;

/** The agent process a call went to: its instance id, or null for an agent too old to say. */
type Delivery = { readonly instance: string | null } | undefined;

interface PendingCall {
  readonly frame: CallFrame;
  /** Undefined when the agent did not offer the tool: then it is treated as mutating. */
  readonly kind: ToolKind | undefined;
  readonly onProgress: (progress: ToolProgress) => void;
  readonly settle: (outcome: ToolOutcome) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  delivered: Delivery;
}

/** Running it twice could do twice what the user approved once (a write, a command). */
const NOT_REPEATABLE: ReadonlySet<ToolKind | undefined> = new Set<ToolKind | undefined>(["edit", "execute", undefined]);

export const AGENT_RESTARTED: ToolOutcome = {
  ok: false,
  code: "AGENT_RESTARTED",
  message:
    "The local agent restarted while running this; it may or may not have completed. " +
    "Check its effects (read the file, list the folder) before running it again.",
  recoverable: true,
};

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
  add(frame: CallFrame, kind: ToolKind | undefined, onProgress: (progress: ToolProgress) => void, now: number): Promise<ToolOutcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          if (this.settle(frame.id, TIMED_OUT)) this.#onExpire(frame.id);
        },
        Math.max(0, frame.deadline - now),
      );
      this.#calls.set(frame.id, { frame, kind, onProgress, settle: resolve, timer, delivered: undefined });
    });
  }

  /** The call went down the tunnel of this agent process. */
  delivered(id: TunnelCallId, instance: string | null): void {
    const call = this.#calls.get(id);
    if (call !== undefined) call.delivered = { instance };
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

  /**
   * After the agent (re)registered as `instance`, holding `running`: fails the calls a previous
   * process may have run, and returns the frames to send (again). An agent that names no instance
   * cannot be told from a restart, so it gets every call it does not hold, as before.
   */
  /** Whether the Worker still waits for this call. */
  has(id: TunnelCallId): boolean {
    return this.#calls.has(id);
  }

  reconcile(running: readonly TunnelCallId[], instance: string | null): CallFrame[] {
    const held = new Set(running);
    const toSend: CallFrame[] = [];
    for (const call of [...this.#calls.values()]) {
      if (held.has(call.frame.id)) continue;
      const restarted = call.delivered !== undefined && instance !== null && call.delivered.instance !== instance;
      if (restarted && NOT_REPEATABLE.has(call.kind)) this.settle(call.frame.id, AGENT_RESTARTED);
      else toSend.push(call.frame);
    }
    return toSend;
  }
}
