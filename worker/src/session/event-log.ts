/**
 * The session's numbered frame log: every broadcast frame gets the next `seq`, and the newest
 * MAX_FRAMES are kept (in memory and in the object's SQLite storage), so a client that
 * reconnects with `hello{since}` receives exactly what it missed.
 *
 * Writes are batched. Each storage write is a transaction whose commit gates the object's
 * outgoing messages, so a write per streamed token capped a session at a few thousand tokens a
 * second (bench/README.md). Token events are therefore written every FLUSH_MS; every other frame
 * (a stored message, a turn's end, an approval, presence) flushes at once. Sequence numbers are
 * reserved in blocks in storage first (and released once all is written), so even if the object
 * dies with unwritten events, a number a client has seen is never given to another frame; a resume
 * across such a gap gets a snapshot.
 */
import type { BroadcastFrame } from "@maestro/protocol";

/** A broadcast frame before it is numbered. */
export type UnnumberedFrame = BroadcastFrame extends infer F ? (F extends BroadcastFrame ? Omit<F, "seq"> : never) : never;

export interface NumberedFrame {
  readonly frame: BroadcastFrame;
  readonly text: string;
}

const MAX_FRAMES = 2000;
const FLUSH_MS = 100;
const RESERVE_BLOCK = 1000;

interface Entry {
  readonly seq: number;
  readonly text: string;
}

export class EventLog {
  readonly #sql: SqlStorage;
  #lastSeq: number;
  #reserved: number;
  /** The newest frames, oldest first: what resumes are served from while the object lives. */
  readonly #recent: Entry[] = [];
  #pending: Entry[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec("CREATE TABLE IF NOT EXISTS frames (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    const written = sql.exec<{ last: number | null }>("SELECT max(seq) AS last FROM frames").toArray()[0]?.last ?? 0;
    const reserved = sql.exec<{ value: number }>("SELECT value FROM counters WHERE name = 'reserved'").toArray()[0]?.value ?? 0;
    // After a restart, numbering continues past everything that may have been handed out.
    this.#lastSeq = Math.max(written, reserved);
    this.#reserved = this.#lastSeq;
  }

  /** The seq of the newest frame ever numbered (0 before the first). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Number a frame and return it with its wire text; it reaches storage now or within FLUSH_MS. */
  append(frame: UnnumberedFrame): NumberedFrame {
    const seq = this.#lastSeq + 1;
    if (seq > this.#reserved) {
      this.#reserved = seq + RESERVE_BLOCK;
      this.#sql.exec(
        "INSERT INTO counters (name, value) VALUES ('reserved', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        this.#reserved,
      );
    }
    const numbered = { ...frame, seq } as BroadcastFrame;
    const entry = { seq, text: JSON.stringify(numbered) };
    this.#lastSeq = seq;
    this.#recent.push(entry);
    if (this.#recent.length > MAX_FRAMES) this.#recent.splice(0, this.#recent.length - MAX_FRAMES);
    this.#pending.push(entry);
    if (frame.type === "event") this.#flushSoon();
    else this.flush();
    return { frame: numbered, text: entry.text };
  }

  /** Write every pending frame now, in one transaction. */
  flush(): void {
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#pending.length === 0) return;
    const pending = this.#pending;
    this.#pending = [];
    for (const entry of pending) this.#sql.exec("INSERT INTO frames (seq, body) VALUES (?, ?)", entry.seq, entry.text);
    // Everything handed out is written: release the reservation, so a restart continues at once.
    this.#reserved = this.#lastSeq;
    this.#sql.exec(
      "INSERT INTO counters (name, value) VALUES ('reserved', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      this.#reserved,
    );
    const newest = pending.at(-1)?.seq ?? 0;
    if (Math.floor(newest / 100) > Math.floor((pending[0]?.seq ?? 0) / 100) || pending.length >= 100) {
      this.#sql.exec("DELETE FROM frames WHERE seq <= ?", newest - MAX_FRAMES);
    }
  }

  #flushSoon(): void {
    this.#flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /**
   * The wire texts of every frame after `since`, oldest first; undefined when they cannot all
   * be given (the client is too far behind, names a seq never reached, or a restart lost some).
   */
  since(since: number): string[] | undefined {
    const last = this.#lastSeq;
    if (since > last) return undefined;
    if (since === last) return [];
    const oldestInMemory = this.#recent[0]?.seq;
    if (oldestInMemory !== undefined && oldestInMemory <= since + 1)
      return this.#recent.filter((entry) => entry.seq > since).map((entry) => entry.text);
    this.flush();
    const rows = this.#sql.exec<{ seq: number; body: string }>("SELECT seq, body FROM frames WHERE seq > ? ORDER BY seq", since).toArray();
    const contiguous = rows.length === last - since && rows.every((row, index) => row.seq === since + 1 + index);
    return contiguous ? rows.map((row) => row.body) : undefined;
  }

  /** Whatever frames after `seq` still exist, gaps and all (for rebuilding an interrupted turn). */
  framesAfter(seq: number): string[] {
    this.flush();
    return this.#sql
      .exec<{ body: string }>("SELECT body FROM frames WHERE seq > ? ORDER BY seq", seq)
      .toArray()
      .map((row) => row.body);
  }
}
