/**
 * The sessions' live states (presence and activity) on their way to Redis, many sessions to a
 * round trip. Every session reports each change to the one feed object; writing them one request
 * each cost every session a Redis round trip at the start and the end of each turn, and 200
 * sessions that start together made 200 requests in the same instant. Here a write starts as soon
 * as nothing else is in flight: what arrives meanwhile waits, only a session's newest state is
 * kept, and all of it goes in the next pipeline. So a lone change is written at once, and a burst
 * costs a few round trips, not one per session.
 */
import type { SessionId } from "@maestro/protocol";
import type { LiveState } from "../kv/presence.ts";

/** Writes one batch: each session's newest state. */
export type WriteLiveStates = (states: ReadonlyMap<SessionId, LiveState>) => Promise<void>;

export class LiveStateBatcher {
  readonly #write: WriteLiveStates;
  #waiting = new Map<SessionId, LiveState>();
  /** The batch the next states join: it starts once the one in flight has ended. */
  #next: Promise<void> | undefined;
  #inFlight: Promise<void> = Promise.resolve();

  constructor(write: WriteLiveStates) {
    this.#write = write;
  }

  /** Resolves once the batch holding this state (or a newer one of the session) is written; rejects if that write failed. */
  write(sessionId: SessionId, state: LiveState): Promise<void> {
    this.#waiting.set(sessionId, state);
    this.#next ??= this.#inFlight.then(() => this.#send());
    return this.#next;
  }

  #send(): Promise<void> {
    const batch = this.#waiting;
    this.#waiting = new Map();
    this.#next = undefined;
    const written = this.#write(batch);
    // The next batch waits for this one either way; its own failure is its waiters' to hear.
    this.#inFlight = written.catch(() => undefined);
    return written;
  }
}
