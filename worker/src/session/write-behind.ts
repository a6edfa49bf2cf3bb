/**
 * A session's database writes that follow what they record (issue 15): the user's message, each
 * answer with its usage and cost, tool results, a credential's "last used" — shown to the
 * clients first, stored after, so no token and no `turn_end` waits on Postgres. They run one at a
 * time in the order they were made, so a message's parent row is always stored before it.
 *
 * A message is noted in the object's own storage first (an outbox; the note joins the storage
 * write of the frame that shows it), so a restart between showing it and storing it loses
 * nothing: recover() stores what the outbox holds before anything reads the history again. Once
 * the message is stored its note is deleted with the object's next storage write (the next note,
 * the event log's next write), once a turn's writes are all done, or NOTE_SWEEP_MS later: every
 * commit is a disk sync that holds the Worker's thread and the object's outgoing frames, and a
 * delete of its own after each message put one more commit in the middle of a turn's stream. A
 * note that outlives its write costs nothing: written again after a restart, the message changes
 * nothing (writeMessageOnce).
 *
 * The note leaves out the answer's raw exchange (kept for exports and debugging, and as large as
 * the whole conversation it was sent with): the frames that show the answer wait for the note's
 * commit, which must not grow with the session. A restart in between stores the answer without it.
 * A write that keeps failing is given up with an error in the log, and `onLost` lets the
 * transcript read the history from Postgres again, so the next turn continues from what is stored.
 */
import type { Database } from "../db/client.ts";
import { type NewMessage, writeMessageOnce } from "../db/queries/messages.ts";
import type { Logger } from "../log.ts";

const OUTBOX = "outbox:";
/** A write that fails is tried again after these pauses (Postgres restarting, a dropped socket). */
const RETRY_MS = [100, 1_000];
/** The longest a stored message's note waits for another storage write to share a commit with. */
export const NOTE_SWEEP_MS = 1_000;

export interface OutboxStorage {
  put(key: string, value: unknown): void;
  delete(key: string): void;
  list<T>(prefix: string): [string, T][];
}

export interface WriteBehindHost {
  readonly sessionId: string;
  readonly log: Logger;
  readonly storage: OutboxStorage;
  db(): Database;
  /** An alarm that wakes the object after a restart, so the outbox is written even if no one calls. */
  keepAlive(): void;
}

interface Pending {
  readonly row: NewMessage;
  readonly contextTokens?: number | undefined;
}

export class WriteBehind {
  readonly #host: WriteBehindHost;
  readonly #onLost: () => void;
  #tail: Promise<void> = Promise.resolve();
  #count = 0;
  #recovering: Promise<void> | undefined;
  /** The notes of messages now stored, deleted by sweepNotes(). */
  #toSweep: string[] = [];
  #sweepTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: WriteBehindHost, onLost: () => void) {
    this.#host = host;
    this.#onLost = onLost;
  }

  /** Store a message that the clients have been shown; resolves once stored (or given up). */
  message(row: NewMessage, contextTokens?: number): Promise<void> {
    const { note, written } = this.messageNotedLater(row, contextTokens);
    note();
    return written;
  }

  /**
   * message() with its outbox note put when `note` is called: the write takes its place in the
   * order now (a message's parent is always stored first), and the note — a storage write, which
   * every outgoing message waits for — comes once the model request has left (the user's message,
   * see TurnManager.#begin). The clients must not be shown the message before `note`.
   */
  messageNotedLater(row: NewMessage, contextTokens?: number): { note: () => void; written: Promise<void> } {
    const key = `${OUTBOX}${Date.now().toString().padStart(15, "0")}:${(this.#count++).toString().padStart(9, "0")}`;
    const pending: Pending = { row, contextTokens };
    let stored = false;
    const written = this.#write(key, pending, () => (stored = true));
    const note = () => {
      if (stored) return;
      this.sweepNotes();
      try {
        this.#host.storage.put(key, { row: { ...row, rawRequest: null, rawResponse: null }, contextTokens } satisfies Pending);
      } catch (error) {
        // Too large for the object's storage: stored all the same, without the note.
        this.#host.log.warn("outbox.note_failed", { session_id: this.#host.sessionId, message_id: row.id, error });
      }
      this.#host.keepAlive();
    };
    return { note, written };
  }

  /**
   * Deletes the notes of the messages stored so far. Called with another storage write (a note,
   * the event log's: SessionDO wires it), so the deletes join that write's commit.
   */
  sweepNotes(): void {
    if (this.#sweepTimer !== undefined) clearTimeout(this.#sweepTimer);
    this.#sweepTimer = undefined;
    for (const key of this.#toSweep.splice(0)) this.#host.storage.delete(key);
  }

  /**
   * Deletes the notes once every write queued so far is done: a turn's end, after which no other
   * storage write may come for a while, and a restart should find no note of a stored message.
   * What the end shows next (the session's new totals) joins the same commit.
   */
  sweepNotesWhenWritten(): void {
    void this.#chain(async () => this.sweepNotes());
  }

  /** A write no one reads back at once (a credential's last use): in order, best effort, not noted. */
  task(event: string, work: (db: Database) => Promise<unknown>): void {
    void this.#chain(async () => {
      await work(this.#host.db()).catch((error: unknown) => this.#host.log.error(event, { session_id: this.#host.sessionId, error }));
    });
  }

  /** A read that sees every write made before it and none made after (it takes its place in the order). */
  read<T>(work: (db: Database) => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => void this.#chain(() => work(this.#host.db()).then(resolve, reject)));
  }

  /** Resolves when every write made so far is done: read-your-writes for `?wait=true` and the SSE end. */
  idle(): Promise<void> {
    return this.#tail;
  }

  /**
   * Holds every write made after this call until `release` (the turn's model call is on its way
   * first: the local Postgres serialises queries, so a write ahead of the turn's one read delays it).
   */
  hold(): () => void {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    void this.#chain(() => gate);
    return release;
  }

  /** After a restart: store what the outbox still holds, oldest first, before the history is read. */
  recover(): Promise<void> {
    this.#recovering ??= this.#flushOutbox();
    return this.#recovering;
  }

  async #flushOutbox(): Promise<void> {
    const left = this.#host.storage.list<Pending>(OUTBOX).sort(([a], [b]) => (a < b ? -1 : 1));
    if (left.length === 0) return;
    this.#host.log.warn("outbox.recovered", { session_id: this.#host.sessionId, messages: left.length });
    for (const [key, pending] of left) void this.#write(key, pending);
    await this.#tail;
  }

  #write(key: string, pending: Pending, onStored?: () => void): Promise<void> {
    return this.#chain(async () => {
      for (let attempt = 0; ; attempt += 1) {
        try {
          await writeMessageOnce(this.#host.db(), pending.row, {
            ...(pending.contextTokens !== undefined && { contextTokens: pending.contextTokens }),
          });
          break;
        } catch (error) {
          const pause = RETRY_MS[attempt];
          if (pause === undefined) {
            this.#host.log.error("message.store_failed", { session_id: this.#host.sessionId, message_id: pending.row.id, error });
            this.#onLost();
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, pause));
        }
      }
      onStored?.();
      this.#toSweep.push(key);
      this.#sweepTimer ??= setTimeout(() => this.sweepNotes(), NOTE_SWEEP_MS);
    });
  }

  #chain(work: () => Promise<void>): Promise<void> {
    const next = this.#tail.then(work, work);
    this.#tail = next.catch(() => undefined);
    return this.#tail;
  }
}
