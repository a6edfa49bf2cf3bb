/**
 * The calls an AgentDO has sent (or will send) down its tunnel, correlated by id. Each waits for
 * its result frame until its deadline. A call outlives a dropped tunnel: when the agent comes
 * back it says which calls it still holds and which process it is. A waiting call it does not
 * hold is sent again, unless it was delivered to another process of the agent (which crashed or
 * was restarted) and edits or executes: the first run may have happened, so it fails instead.
 *
 * A call's clock runs only while its agent is online. A laptop that sleeps (or a network that
 * drops) mid-call does not use up the call's time: while the agent is offline the clock is paused
 * and a grace period runs instead (the session's `agent_offline_grace_ms`, default 10 minutes);
 * the call ends with AGENT_OFFLINE only if the agent stays away longer than that. Clients see it
 * waiting: its tool card's status reads "waiting for <agent> (offline)" until the agent is back.
 */
import type { ToolKind, ToolOutcome, TunnelCallId, WorkerToAgent } from "@maestro/protocol";
import type { ToolProgress } from "../session/turn-ports.ts";

type CallFrame = Extract<WorkerToAgent, { type: "call" }>;

/** The agent process a call went to: its instance id, or null for an agent too old to say. */
type Delivery = { readonly instance: string | null; readonly kind: ToolKind | undefined } | undefined;

interface PendingCall {
  readonly frame: CallFrame;
  readonly onProgress: (progress: ToolProgress) => void;
  readonly settle: (outcome: ToolOutcome) => void;
  /** How long the call may wait for an agent that is offline. */
  readonly graceMs: number;
  /** Time left on the call's clock when it last stopped (or started). */
  leftMs: number;
  /** When the clock last started running; undefined while it is paused (agent offline). */
  runningSince: number | undefined;
  /** The deadline timer while online, the grace timer while offline. */
  timer: ReturnType<typeof setTimeout> | undefined;
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

function offlineTooLong(label: string, graceMs: number, delivered: boolean): ToolOutcome {
  const seconds = Math.round(graceMs / 1000);
  return {
    ok: false,
    code: "AGENT_OFFLINE",
    message:
      `${label} stayed offline for longer than this session waits (${seconds} s), so the call was given up.` +
      (delivered ? " It had already been handed over: it may or may not have run; check its effects before running it again." : ""),
    recoverable: true,
  };
}

/** The tool-card status of a call waiting for its agent to come back. */
export function waitingStatus(label: string): string {
  return `waiting for ${label} (offline)`;
}

export class PendingCalls {
  readonly #calls = new Map<TunnelCallId, PendingCall>();
  readonly #onExpire: (id: TunnelCallId) => void;
  readonly #label: () => string;
  /** Since when the agent is offline; undefined while it is online. */
  #offlineSince: number | undefined;

  /**
   * `onExpire` tells the agent to stop work nobody waits for any more; `label` names the agent as
   * the user knows it, for "waiting for <label> (offline)".
   */
  constructor(onExpire: (id: TunnelCallId) => void, label: () => string = () => "the local agent") {
    this.#onExpire = onExpire;
    this.#label = label;
  }

  get size(): number {
    return this.#calls.size;
  }

  get online(): boolean {
    return this.#offlineSince === undefined;
  }

  /**
   * Registers a call; resolves with its outcome, a timeout when its clock runs out, AGENT_OFFLINE
   * when the agent stays offline past `graceMs`, or a cancellation.
   */
  add(frame: CallFrame, onProgress: (progress: ToolProgress) => void, now: number, graceMs: number): Promise<ToolOutcome> {
    return new Promise((resolve) => {
      const call: PendingCall = {
        frame,
        onProgress,
        settle: resolve,
        graceMs,
        leftMs: Math.max(0, frame.deadline - now),
        runningSince: undefined,
        timer: undefined,
        delivered: undefined,
      };
      this.#calls.set(frame.id, call);
      if (this.#offlineSince === undefined) this.#run(call, now);
      else this.#hold(call);
    });
  }

  /** The call went down the tunnel of this agent process, as a tool of this kind. */
  delivered(id: TunnelCallId, instance: string | null, kind: ToolKind | undefined): void {
    const call = this.#calls.get(id);
    if (call !== undefined) call.delivered = { instance, kind };
  }

  /** What is left of the call's clock (for the budget sent with it); 0 when it is not waiting. */
  budget(id: TunnelCallId, now: number): number {
    const call = this.#calls.get(id);
    if (call === undefined) return 0;
    return Math.max(0, call.leftMs - (call.runningSince === undefined ? 0 : now - call.runningSince));
  }

  progress(id: TunnelCallId, progress: ToolProgress): void {
    this.#calls.get(id)?.onProgress(progress);
  }

  /** Ends a call with its outcome; false when it had already ended (late or duplicate result). */
  settle(id: TunnelCallId, outcome: ToolOutcome): boolean {
    const call = this.#calls.get(id);
    if (call === undefined) return false;
    if (call.timer !== undefined) clearTimeout(call.timer);
    this.#calls.delete(id);
    call.settle(outcome);
    return true;
  }

  /** Ends every waiting call (the agent was revoked: it will never come back). */
  settleAll(outcome: ToolOutcome): void {
    for (const id of [...this.#calls.keys()]) this.settle(id, outcome);
  }

  /** Whether the Worker still waits for this call. */
  has(id: TunnelCallId): boolean {
    return this.#calls.has(id);
  }

  /** The agent went offline: every call's clock stops, its grace period starts, clients are told. */
  wentOffline(now: number): void {
    if (this.#offlineSince !== undefined) return;
    this.#offlineSince = now;
    for (const call of this.#calls.values()) {
      if (call.runningSince !== undefined) call.leftMs = Math.max(0, call.leftMs - (now - call.runningSince));
      call.runningSince = undefined;
      this.#hold(call);
    }
  }

  /** The agent is back (registered): every call's clock runs again from where it stopped. */
  cameBack(now: number): void {
    if (this.#offlineSince === undefined) return;
    this.#offlineSince = undefined;
    for (const call of this.#calls.values()) {
      this.#run(call, now);
      call.onProgress({ status: "running" });
    }
  }

  /**
   * After the agent (re)registered as `instance`, holding `running`: fails the calls a previous
   * process may have run, and returns the frames to send (again). An agent that names no instance
   * cannot be told from a restart, so it gets every call it does not hold, as before.
   */
  reconcile(running: readonly TunnelCallId[], instance: string | null): CallFrame[] {
    const held = new Set(running);
    const toSend: CallFrame[] = [];
    for (const call of [...this.#calls.values()]) {
      if (held.has(call.frame.id)) continue;
      const restarted = call.delivered !== undefined && instance !== null && call.delivered.instance !== instance;
      if (restarted && NOT_REPEATABLE.has(call.delivered?.kind)) this.settle(call.frame.id, AGENT_RESTARTED);
      else toSend.push(call.frame);
    }
    return toSend;
  }

  #run(call: PendingCall, now: number): void {
    if (call.timer !== undefined) clearTimeout(call.timer);
    call.runningSince = now;
    call.timer = setTimeout(() => {
      if (this.settle(call.frame.id, TIMED_OUT)) this.#onExpire(call.frame.id);
    }, call.leftMs);
  }

  #hold(call: PendingCall): void {
    const label = this.#label();
    if (call.timer !== undefined) clearTimeout(call.timer);
    call.timer = setTimeout(() => {
      if (this.settle(call.frame.id, offlineTooLong(label, call.graceMs, call.delivered !== undefined))) this.#onExpire(call.frame.id);
    }, call.graceMs);
    call.onProgress({ status: waitingStatus(label) });
  }
}
