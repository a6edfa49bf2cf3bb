/**
 * A session's send queue (issue 13 §5). A message sent while a turn runs waits here instead of
 * being refused: kept in the object's storage (so it survives a restart or deploy), shown to every
 * client (`queue` frames, the snapshot), editable and cancellable until it starts. When a turn
 * ends the next message starts its turn by itself.
 *
 * After a cancelled or failed turn the queue pauses instead: whoever pressed stop (or watched the
 * provider fail) should decide what runs next, as Claude Code hands queued messages back to the
 * user on an interrupt rather than firing them. A new send, a retry or `queue_resume` starts it
 * again. A turn cut short by a crash (`interrupted`) is no one's decision, so the queue goes on.
 *
 * It also remembers which turn each request id started, for clients resuming from a snapshot.
 */
import {
  type ClientKind,
  MAX_QUEUED_MESSAGES,
  type Queue,
  type QueueEntry,
  QueueEntryIdSchema,
  type RequestId,
  type SendMessageAccepted,
  type SnapshotFrame,
  type TurnId,
} from "@maestro/protocol";
import { getSessionRow } from "../db/queries/sessions.ts";
import { AppError } from "../errors.ts";
import type { NumberedFrame } from "./event-log.ts";
import type { SessionRuntime } from "./runtime.ts";
import type { TurnHost, TurnListener, TurnManager } from "./turns.ts";

const QUEUE_KEY = "send_queue";
const PAUSED_KEY = "send_queue_paused";
/** Entries that started lately, so an edit that came too late is told so (not "not found"). */
const STARTED_KEY = "send_queue_started";
const REQUESTS_KEY = "turn_requests";
const RECENT = 50;

export interface QueueHost extends SessionRuntime {
  readonly storage: TurnHost["storage"];
}

export interface Outgoing {
  readonly text: string;
  readonly requestId?: RequestId | undefined;
  readonly by: ClientKind;
}

/** What the REST routes ask of the queue (one RPC, so the object stays thin). */
export type QueueChange =
  | { readonly kind: "list" }
  | { readonly kind: "edit"; readonly entryId: string; readonly text: string }
  | { readonly kind: "cancel"; readonly entryId: string }
  | { readonly kind: "resume" };

export type SendOutcome =
  | { readonly started: SendMessageAccepted }
  /** `turn` settles when the entry starts its turn (or rejects when it is cancelled first). */
  | { readonly queued: QueueEntry; readonly turn: Promise<TurnId> };

interface Started {
  readonly id: string;
  /** Null while its turn is being started. */
  readonly turn_id: string | null;
}

/** Someone waiting for a queued entry to start (`?wait=true`, an SSE stream): in memory only. */
interface Waiter {
  readonly listener?: TurnListener | undefined;
  readonly started: (turnId: TurnId) => void;
  readonly dropped: (error: AppError) => void;
}

export class SendQueue {
  readonly #host: QueueHost;
  readonly #turns: TurnManager;
  readonly #waiters = new Map<string, Waiter>();
  #advancing = false;

  constructor(host: QueueHost, turns: TurnManager) {
    this.#host = host;
    this.#turns = turns;
  }

  get entries(): QueueEntry[] {
    return this.#host.storage.get<QueueEntry[]>(QUEUE_KEY) ?? [];
  }

  get paused(): boolean {
    return this.#host.storage.get<boolean>(PAUSED_KEY) ?? false;
  }

  list(): Queue {
    return { data: this.entries, paused: this.paused };
  }

  snapshot(): Pick<SnapshotFrame, "queue" | "queue_paused" | "requests"> {
    const requests = this.#host.storage.get<{ request_id: RequestId; turn_id: TurnId }[]>(REQUESTS_KEY) ?? [];
    return { queue: this.entries, queue_paused: this.paused, requests };
  }

  /** A user's message: its turn starts now when the session is free, else it joins the queue. */
  async send(outgoing: Outgoing, listener?: TurnListener): Promise<SendOutcome> {
    await this.#turns.recover();
    if (!this.#turns.busy && this.entries.length === 0) {
      try {
        const started = await this.#turns.send(outgoing.text, listener, outgoing.requestId);
        this.#setPaused(false);
        return { started };
      } catch (error) {
        // Another send started a turn between the check and the start (two frames interleaved at an await): queue behind it.
        if (!(error instanceof AppError && error.code === "TURN_IN_PROGRESS")) throw error;
      }
    }
    const queued = await this.#enqueue(outgoing);
    const turn = new Promise<TurnId>((resolve, reject) => this.#waiters.set(queued.id, { listener, started: resolve, dropped: reject }));
    // Nobody need wait for it (a socket's send does not): an unobserved cancel is no error.
    turn.catch(() => undefined);
    // A paused queue with nothing running: this send is the user saying "go on".
    if (!this.#turns.busy) this.resume();
    return { queued, turn };
  }

  edit(entryId: string, text: string): QueueEntry {
    const entries = this.entries;
    const at = this.#find(entries, entryId);
    const edited = { ...entries[at]!, text };
    this.#store(entries.map((entry, index) => (index === at ? edited : entry)));
    return edited;
  }

  cancel(entryId: string): QueueEntry {
    const entries = this.entries;
    const at = this.#find(entries, entryId);
    const [cancelled] = entries.splice(at, 1);
    this.#store(entries);
    this.#waiters.get(entryId)?.dropped(new AppError("CONFLICT", "The queued message was cancelled before it started."));
    this.#waiters.delete(entryId);
    return cancelled!;
  }

  apply(change: QueueChange): Queue | QueueEntry {
    switch (change.kind) {
      case "list":
        return this.list();
      case "edit":
        return this.edit(change.entryId, change.text);
      case "cancel":
        return this.cancel(change.entryId);
      case "resume":
        this.resume();
        return this.list();
    }
  }

  /** Start the queue again after a pause (the head runs now when no turn is running). */
  resume(): void {
    this.#setPaused(false);
    void this.#advance();
  }

  /** The session is free again without a turn having ended (a compaction between turns): start the head. */
  next(): void {
    void this.#advance();
  }

  /**
   * Every broadcast frame passes here: a turn's end decides whether the next message starts, and
   * the user's message of a turn records which request started it.
   */
  observe({ frame }: NumberedFrame): void {
    if (frame.type === "message" && frame.request_id !== undefined && frame.message.turn_id !== null)
      this.#remember(frame.request_id, frame.message.turn_id);
    if (frame.type !== "turn_end") return;
    if (frame.status === "cancelled" || frame.status === "failed") {
      if (this.entries.length > 0) this.#setPaused(true);
      return;
    }
    this.resume();
  }

  /** Starts the head of the queue when the session is free and the queue not paused. */
  async #advance(): Promise<void> {
    if (this.#advancing) return;
    this.#advancing = true;
    try {
      // The turn that just ended clears itself after its turn_end frame: wait for that.
      await Promise.resolve();
      if (this.#turns.busy || this.paused) return;
      const [next, ...rest] = this.entries;
      if (next === undefined) return;
      const waiter = this.#waiters.get(next.id);
      this.#waiters.delete(next.id);
      // Out of storage before its turn starts, so a crash in between never runs it twice; the
      // clients hear of the shorter queue after the user's message, so none sees it vanish.
      this.#host.storage.put(QUEUE_KEY, rest);
      this.#recordStart(next.id, null);
      let accepted: SendMessageAccepted;
      try {
        accepted = await this.#turns.send(next.text, waiter?.listener, next.request_id ?? undefined);
      } catch (error) {
        this.#host.storage.put(QUEUE_KEY, [next, ...this.entries]);
        this.#host.storage.put(
          STARTED_KEY,
          this.#started().filter((each) => each.id !== next.id),
        );
        if (waiter !== undefined) this.#waiters.set(next.id, waiter);
        // Someone else's turn got there first: the head waits for that one to end.
        if (error instanceof AppError && error.code === "TURN_IN_PROGRESS") return this.#publish();
        // The session refused it (archived, deleted): keep the message and stop until someone decides.
        this.#host.log.warn("queue.start_failed", { session_id: this.#host.sessionId, entry_id: next.id, error });
        this.#host.storage.put(PAUSED_KEY, true);
        return this.#publish();
      }
      this.#recordStart(next.id, accepted.turn_id);
      this.#publish();
      waiter?.started(accepted.turn_id);
    } finally {
      this.#advancing = false;
    }
  }

  async #enqueue(outgoing: Outgoing): Promise<QueueEntry> {
    const row = await getSessionRow(this.#host.db(), this.#host.sessionId);
    if (row === undefined) throw new AppError("SESSION_NOT_FOUND", "No session with that id.");
    if (row.status === "archived") throw new AppError("SESSION_ARCHIVED", "This session is archived; it takes no new messages.");
    const entries = this.entries;
    if (entries.length >= MAX_QUEUED_MESSAGES)
      throw new AppError("QUEUE_FULL", `${MAX_QUEUED_MESSAGES} messages are already waiting; cancel one or wait for the turn to end.`);
    const entry: QueueEntry = {
      id: QueueEntryIdSchema.parse(crypto.randomUUID()),
      text: outgoing.text,
      request_id: outgoing.requestId ?? null,
      queued_at: new Date().toISOString(),
      by: outgoing.by,
    };
    this.#store([...entries, entry]);
    return entry;
  }

  #started(): Started[] {
    return this.#host.storage.get<Started[]>(STARTED_KEY) ?? [];
  }

  /** Remembers an entry that started (its turn id once known), for a late edit's 409. */
  #recordStart(entryId: string, turnId: string | null): void {
    const others = this.#started().filter((each) => each.id !== entryId);
    this.#host.storage.put(STARTED_KEY, [...others, { id: entryId, turn_id: turnId }].slice(-RECENT));
  }

  #find(entries: readonly QueueEntry[], entryId: string): number {
    const at = entries.findIndex((entry) => entry.id === entryId);
    if (at !== -1) return at;
    const started = this.#started().find((each) => each.id === entryId);
    if (started !== undefined) {
      const turn = started.turn_id === null ? "" : ` (turn ${started.turn_id})`;
      throw new AppError("QUEUE_ENTRY_STARTED", `That message has already started its turn${turn}; it can no longer be changed.`);
    }
    throw new AppError("QUEUE_ENTRY_NOT_FOUND", "No queued message with that id in this session.");
  }

  #store(entries: QueueEntry[]): void {
    this.#host.storage.put(QUEUE_KEY, entries);
    if (entries.length === 0) this.#host.storage.put(PAUSED_KEY, false);
    this.#publish();
  }

  #setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.#host.storage.put(PAUSED_KEY, paused);
    this.#publish();
  }

  #publish(): void {
    this.#host.broadcast({ type: "queue", queue: this.entries, paused: this.paused });
  }

  #remember(requestId: RequestId, turnId: TurnId): void {
    const requests = this.#host.storage.get<{ request_id: RequestId; turn_id: TurnId }[]>(REQUESTS_KEY) ?? [];
    this.#host.storage.put(REQUESTS_KEY, [...requests, { request_id: requestId, turn_id: turnId }].slice(-RECENT));
  }
}
