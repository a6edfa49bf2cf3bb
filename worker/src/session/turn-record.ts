/**
 * The record a running turn keeps in the object's storage, so that a restart can tell a turn was
 * cut short, which one, and where its running step began; and what a restart then finds of that
 * step. The event log keeps the frames after the step's start past its usual bounds until the
 * step is stored (EventLog.keepAfter): they are what the cut-off answer is rebuilt from, so an
 * answer longer than the log's bounds keeps its beginning.
 */
import { type RequestId, SessionToClientSchema, type ToolCallId, type TurnId, TurnIdSchema, decodeFrame } from "@maestro/protocol";
import type { EventLog } from "./event-log.ts";
import { type BuiltStep, StepBuilder } from "./step-builder.ts";

const TURN_KEY = "turn";

interface StoredRecord {
  readonly turn_id: string;
  readonly step_seq: number;
  readonly request_id?: RequestId | undefined;
}

export interface TurnRecordHost {
  readonly storage: { get<T>(key: string): T | undefined; put(key: string, value: unknown): void; delete(key: string): void };
  readonly events: EventLog;
}

/** A turn a restart cut short: what its running step had streamed, and the approvals it left open. */
export interface CutOffTurn {
  readonly turnId: TurnId;
  readonly requestId: RequestId | undefined;
  readonly partial: BuiltStep;
  readonly openApprovals: ReadonlySet<ToolCallId>;
}

export class TurnRecord {
  readonly #host: TurnRecordHost;
  /**
   * The record a restart left, read once when the object is built: afterwards only this object
   * writes the key, and a turn of its own is never a cut-off one. (A storage read is ~0.1 ms of
   * the one thread; every turn asked before its start.)
   */
  #cutOff: StoredRecord | undefined;

  constructor(host: TurnRecordHost) {
    this.#host = host;
    // A turn cut off by a restart: its step's frames stay in storage until takeCutOff() has read them.
    this.#cutOff = host.storage.get<StoredRecord>(TURN_KEY);
    if (this.#cutOff !== undefined) host.events.keepAfter(this.#cutOff.step_seq);
  }

  /** A turn's step begins now (its first, or the next after one was stored). */
  markStep(turnId: string, requestId: RequestId | undefined): void {
    const stepSeq = this.#host.events.lastSeq;
    this.#host.storage.put(TURN_KEY, { turn_id: turnId, step_seq: stepSeq, request_id: requestId } satisfies StoredRecord);
    this.#host.events.keepAfter(stepSeq);
  }

  /** The turn ended: nothing is left to recover. */
  clear(): void {
    this.#host.storage.delete(TURN_KEY);
    this.#host.events.keepAfter(undefined);
  }

  /** After a restart, the turn that was running, rebuilt from its step's frames (the record goes). */
  takeCutOff(): CutOffTurn | undefined {
    const record = this.#cutOff;
    if (record === undefined) return undefined;
    this.#cutOff = undefined;
    this.#host.storage.delete(TURN_KEY);
    const turnId = TurnIdSchema.parse(record.turn_id);
    const builder = new StepBuilder();
    const openApprovals = new Set<ToolCallId>();
    for (const text of this.#host.events.framesAfter(record.step_seq)) {
      const decoded = decodeFrame(SessionToClientSchema, text);
      if (!decoded.ok) continue;
      const frame = decoded.value;
      if (frame.type === "event" && frame.turn_id === turnId) builder.add(frame.event);
      if (frame.type === "approval_request" && frame.turn_id === turnId) openApprovals.add(frame.call_id);
      if (frame.type === "approval_result") openApprovals.delete(frame.call_id);
    }
    this.#host.events.keepAfter(undefined);
    return { turnId, requestId: record.request_id, partial: builder.build(), openApprovals };
  }
}
