/**
 * The session's numbered frame log: every broadcast frame gets the next `seq`; the newest frames
 * are kept in the object's SQLite storage (at most STORED_FRAMES of them and storedChars of wire
 * text) and, while the session is busy, in memory too (at most recentBytes), so a client that
 * reconnects with `hello{since}` receives exactly what it missed, and one further behind a
 * snapshot. One exception to the bounds: the frames of the step a turn is running (keepAfter),
 * which a restart rebuilds the cut-off answer from — an answer longer than the bounds keeps its
 * beginning, and only until the step is stored.
 *
 * What a crash may lose, and why that is enough. Every SQL write is a confirmed write: its commit
 * (a disk sync) holds the object's outgoing frames (the output gate) and the single workerd thread.
 * Writing a session's tokens every 100 ms made disk writes grow with sessions, not tokens, so
 * frames are written in one transaction about once per FLUSH_MS while tokens stream (jittered, so
 * sessions started together do not go on committing together), and at once for every frame that
 * is not a token event (rare: a stored message, a turn's end, an approval, presence), which
 * recover() and clients depend on — but not the tokens of a step whose answer is being stored
 * whole (deferTokens): they go with the next write after the turn. A crash loses at most the last
 * FLUSH_MS of token frames: recover() then stores the interrupted answer without them (it was
 * never complete, or it is stored already), and a client resuming across the lost tail finds a
 * gap and gets a snapshot. Sequence numbers are reserved in blocks in storage before they are
 * handed out, so a number a client has seen is never given to another frame; the reservation is
 * given back once the log is idle and its newest frame written, so an object that merely
 * hibernated numbers on from its newest frame, without a gap. While a turn holds the log (hold())
 * and frames keep coming, it is not idle: the reservation stays across the turn's non-token
 * frames, so its first token after the user's message does not wait on a reservation write. It
 * goes back when the turn lets go, or once the log has been quiet for releaseMs (a turn waiting on
 * a person or a long tool), so a crash during such a wait still resumes by replay.
 *
 * Memory: the in-memory copy is bounded in bytes and dropped once a whole RELEASE_MS passed
 * without a frame (everything is written first); resumes are then read from storage.
 */
import type { BroadcastFrame } from "@maestro/protocol";

/** A broadcast frame before it is numbered. */
export type UnnumberedFrame = BroadcastFrame extends infer F ? (F extends BroadcastFrame ? Omit<F, "seq"> : never) : never;

export interface NumberedFrame {
  readonly frame: BroadcastFrame;
  readonly text: string;
}

export interface EventLogLimits {
  /** Wire text kept in memory for resumes (the newest frames); older ones are read from storage. */
  readonly recentBytes: number;
  /**
   * Characters of wire text kept in storage for resumes. Token frames are ~130 characters, so
   * STORED_FRAMES binds first while tokens stream; this binds when frames are large (a tool's
   * output, a stored answer), so a client that far behind gets a snapshot rather than a read of
   * many megabytes into the object's memory.
   */
  readonly storedChars: number;
  /** How long token frames may wait to be written. */
  readonly flushMs: number;
  /** After this long without a frame, the in-memory copy is dropped. */
  readonly releaseMs: number;
}

/**
 * recentBytes: 64 KB is ~500 token frames, more than a client that reconnects within a turn has
 * missed; at 200 busy sessions it is 13 MB of the isolate's heap where 256 KB was 51 MB.
 */
export const DEFAULT_LIMITS: EventLogLimits = { recentBytes: 64 * 1024, storedChars: 2 * 1024 * 1024, flushMs: 1000, releaseMs: 5000 };
const STORED_FRAMES = 2000;
const RESERVE_BLOCK = 1000;
/** Rows per INSERT: the SQL API takes at most 100 bound parameters a statement. */
const ROWS_PER_INSERT = 50;

interface Entry {
  readonly seq: number;
  readonly text: string;
}

export class EventLog {
  readonly #sql: SqlStorage;
  readonly #limits: EventLogLimits;
  #lastSeq: number;
  #reserved: number;
  /** The newest frames, oldest first from #head on: what resumes are served from while busy. */
  #recent: Entry[] = [];
  #head = 0;
  #recentBytes = 0;
  #pending: Entry[] = [];
  /** Token frames up to this seq are not written with the frames written at once (deferTokens). */
  #tokensWaitThrough = 0;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #releaseTimer: ReturnType<typeof setTimeout> | undefined;
  /** A frame was appended since the release timer was last armed (cheaper than a clock read per frame). */
  #appendedSinceArmed = false;
  /** Turns holding the log busy: while any does, flushes keep the reservation. */
  #holds = 0;
  /**
   * Characters of wire text in storage, as SQLite's length() counts them on every insert and
   * delete, and kept in the counters table with the frames: an object that wakes reads one row
   * rather than the whole log.
   */
  #storedChars: number;
  /** Frames after this seq stay in storage whatever the bounds (a running step's; see keepAfter). */
  #keptAfter: number | undefined;
  /** The size bound cannot be met until keepAfter moves: no point asking SQLite at every write. */
  #sizeBoundBlocked = false;
  /** Made with each write of the log's (alongsideWrites). */
  #alongside: (() => void) | undefined;

  constructor(sql: SqlStorage, limits: EventLogLimits = DEFAULT_LIMITS) {
    this.#sql = sql;
    this.#limits = limits;
    sql.exec("CREATE TABLE IF NOT EXISTS frames (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    const written = sql.exec<{ last: number | null }>("SELECT max(seq) AS last FROM frames").one().last ?? 0;
    const counters = new Map(
      sql
        .exec<{ name: string; value: number }>("SELECT name, value FROM counters WHERE name IN ('reserved', 'stored_chars')")
        .toArray()
        .map((row) => [row.name, row.value]),
    );
    const reserved = counters.get("reserved") ?? 0;
    // A log written before the count was kept is counted once; the next write stores the count.
    this.#storedChars =
      counters.get("stored_chars") ?? sql.exec<{ chars: number }>("SELECT coalesce(sum(length(body)), 0) AS chars FROM frames").one().chars;
    // After a restart, numbering continues past everything that may have been handed out.
    this.#lastSeq = Math.max(written, reserved);
    this.#reserved = this.#lastSeq;
  }

  /** The seq of the newest frame ever numbered (0 before the first). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Bytes of wire text held in memory for resumes (for tests and the memory bound). */
  get memoryBytes(): number {
    return this.#recentBytes;
  }

  /**
   * Keep the frames after `seq` in storage whatever the bounds, until called again (undefined:
   * none). A turn names where its running step began: after a restart, recover() rebuilds the
   * cut-off answer from those frames, and an answer longer than the bounds must not lose its start.
   */
  keepAfter(seq: number | undefined): void {
    this.#keptAfter = seq;
    this.#sizeBoundBlocked = false;
  }

  /**
   * `write` is made with each of the log's own writes, in the same task, so it shares their commit:
   * a storage write that can wait for one (a stored message's outbox note, deleted) then costs no
   * disk sync of its own.
   */
  alongsideWrites(write: () => void): void {
    this.#alongside = write;
  }

  /** Number a frame and return it with its wire text; it reaches storage now or within flushMs. */
  append(frame: UnnumberedFrame): NumberedFrame {
    const seq = this.#lastSeq + 1;
    if (seq > this.#reserved) this.#reserve(seq + RESERVE_BLOCK);
    const numbered = { ...frame, seq } as BroadcastFrame;
    const entry = { seq, text: JSON.stringify(numbered) };
    this.#lastSeq = seq;
    this.#remember(entry);
    this.#pending.push(entry);
    if (this.#releaseTimer === undefined) this.#releaseTimer = setTimeout(() => this.#releaseWhenIdle(), this.#limits.releaseMs);
    else this.#appendedSinceArmed = true;
    if (frame.type === "event") this.#flushTimer ??= setTimeout(() => this.#write("all"), this.#untilNextFlush());
    else this.#flushFrames();
    return { frame: numbered, text: entry.text };
  }

  /**
   * Write every pending frame now, in one transaction, and — unless a turn holds the log — give
   * back the unused reservation: the log is complete in storage, so an object rebuilt from it
   * (hibernation, eviction) numbers on without a gap.
   */
  flush(): void {
    this.#write("all");
    if (this.#holds === 0) this.#giveBack();
  }

  /**
   * The same for a frame written as it is appended, and for a turn that lets go, but the tokens
   * deferTokens() left keep waiting. The reservation may still go back: a frame numbered after
   * theirs is written, so a rebuilt object numbers on past them.
   */
  #flushFrames(): void {
    this.#write("frames");
    if (this.#holds === 0) this.#giveBack();
  }

  /**
   * A turn begins: keep the reservation until it ends (the returned function, called once), so
   * the frames between a turn's first and last pay one reservation write, not one per token run.
   */
  hold(): () => void {
    this.#holds += 1;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#holds -= 1;
      if (this.#holds > 0) return;
      this.#flushFrames();
      this.#tokensWaitThrough = 0;
    };
  }

  /**
   * The token frames waiting now are not written with the next frames written at once, but with
   * the first write after the turn has let go of the log (the session's new totals, normally, a
   * few milliseconds after turn_end; the next turn's first, when it comes sooner), or by their
   * timer if that comes first. A step's answer is about to be stored whole: its `message` frame,
   * then turn_end, are written now and held until the disk has them (the output gate), and at a
   * quick answer's end the waiting tokens are all of its tokens, most of that commit's bytes.
   * Riding in a commit that happens anyway, they cost no commit of their own. Nothing needs them
   * on disk sooner: while the object lives, resumes are served from memory; a resume from storage
   * writes everything first; and a crash before they are written loses only frames the stored
   * answer holds (a resume across them gets a snapshot).
   */
  deferTokens(): void {
    this.#tokensWaitThrough = this.#lastSeq;
  }

  /**
   * Write the pending frames in one transaction: all of them (`"all"`: the timer's flush, and
   * before storage is read), or (`"frames"`: a frame that is written at once) all but the token
   * frames deferTokens() left waiting. Only token frames ever wait — every other frame is written
   * as it is appended — so those are the first pending ones.
   */
  #write(what: "all" | "frames"): void {
    let deferred = 0;
    if (what === "frames") while (deferred < this.#pending.length && this.#pending[deferred]!.seq <= this.#tokensWaitThrough) deferred += 1;
    // The deferred tokens stay; the rest is taken out to be written.
    const pending = this.#pending.splice(deferred);
    if (this.#pending.length === 0) {
      if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
      this.#tokensWaitThrough = 0;
    }
    if (pending.length === 0) return;
    this.#alongside?.();
    for (let start = 0; start < pending.length; start += ROWS_PER_INSERT) {
      const rows = pending.slice(start, start + ROWS_PER_INSERT);
      const values: (number | string)[] = [];
      for (const entry of rows) values.push(entry.seq, entry.text);
      const inserted = this.#sql.exec<{ chars: number }>(
        `INSERT INTO frames (seq, body) VALUES ${rows.map(() => "(?, ?)").join(", ")} RETURNING length(body) AS chars`,
        ...values,
      );
      for (const row of inserted) this.#storedChars += row.chars;
    }
    const newest = pending.at(-1)?.seq ?? 0;
    // The frame bound is checked every hundred frames; the size bound as soon as it is passed.
    const crossedHundred = Math.floor(newest / 100) > Math.floor((pending[0]?.seq ?? 0) / 100) || pending.length >= 100;
    if (crossedHundred || (this.#storedChars > this.#limits.storedChars && !this.#sizeBoundBlocked)) this.#trim(newest);
    this.#setCounter("stored_chars", this.#storedChars);
  }

  /**
   * Delete the oldest frames beyond STORED_FRAMES, then beyond storedChars (down to three
   * quarters of it, so a log of large frames is not trimmed at every write), but none after
   * keepAfter's seq.
   */
  #trim(newest: number): void {
    let cut = newest - STORED_FRAMES;
    if (this.#storedChars > this.#limits.storedChars) {
      // The newest seq whose frames, with every newer one, pass the target: it and older ones go.
      const target = Math.floor((this.#limits.storedChars * 3) / 4);
      const over = this.#sql
        .exec<{ seq: number }>(
          "SELECT seq FROM (SELECT seq, sum(length(body)) OVER (ORDER BY seq DESC) AS newer FROM frames) WHERE newer > ? ORDER BY seq DESC LIMIT 1",
          target,
        )
        .toArray()[0];
      if (over !== undefined) cut = Math.max(cut, over.seq);
    }
    if (this.#keptAfter !== undefined) cut = Math.min(cut, this.#keptAfter);
    if (cut <= 0) {
      this.#sizeBoundBlocked = this.#storedChars > this.#limits.storedChars;
      return;
    }
    const removed = this.#sql.exec<{ chars: number }>("DELETE FROM frames WHERE seq <= ? RETURNING length(body) AS chars", cut).toArray();
    for (const row of removed) this.#storedChars -= row.chars;
    this.#sizeBoundBlocked = this.#storedChars > this.#limits.storedChars;
  }

  /**
   * The wire texts of every frame after `since`, oldest first; undefined when they cannot all
   * be given (the client is too far behind, names a seq never reached, or a restart lost some).
   */
  since(since: number): string[] | undefined {
    const last = this.#lastSeq;
    if (since > last) return undefined;
    if (since === last) return [];
    const oldestInMemory = this.#recent[this.#head]?.seq;
    if (oldestInMemory !== undefined && oldestInMemory <= since + 1) {
      const texts: string[] = [];
      for (let index = this.#head + (since + 1 - oldestInMemory); index < this.#recent.length; index += 1)
        texts.push(this.#recent[index]!.text);
      return texts;
    }
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

  /**
   * Write everything, give back the unused reservation (a turn's hold too: the log is quiet) and
   * drop the in-memory copy (resumes then read storage).
   */
  release(): void {
    if (this.#releaseTimer !== undefined) clearTimeout(this.#releaseTimer);
    this.#releaseTimer = undefined;
    this.#appendedSinceArmed = false;
    this.#write("all");
    this.#giveBack();
    this.#recent = [];
    this.#head = 0;
    this.#recentBytes = 0;
  }

  /** Released once a whole releaseMs passed without a frame: between one and two releaseMs after the last. */
  #releaseWhenIdle(): void {
    this.#releaseTimer = undefined;
    if (!this.#appendedSinceArmed) return this.release();
    this.#appendedSinceArmed = false;
    this.#releaseTimer = setTimeout(() => this.#releaseWhenIdle(), this.#limits.releaseMs);
  }

  /** Keep a frame in memory, dropping the oldest beyond recentBytes (in amortised O(1)). */
  #remember(entry: Entry): void {
    this.#recent.push(entry);
    this.#recentBytes += entry.text.length;
    while (this.#recentBytes > this.#limits.recentBytes && this.#head < this.#recent.length - 1) {
      this.#recentBytes -= this.#recent[this.#head]!.text.length;
      this.#head += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#recent.length) {
      this.#recent = this.#recent.slice(this.#head);
      this.#head = 0;
    }
  }

  /**
   * How long token frames wait: flushMs less a random part of up to a quarter of it, so never
   * longer than flushMs. Sessions whose turns began together (a script, a fan-out) would otherwise
   * go on committing together every second, 200 of them holding the one thread ~70 ms at once
   * while every session's tokens wait; the jitter spreads them apart from one flush to the next.
   * (Not a fixed phase each: half the sessions would then commit in the busy first half second of
   * their turns.)
   */
  #untilNextFlush(): number {
    const { flushMs } = this.#limits;
    return flushMs - Math.random() * (flushMs / 4);
  }

  #giveBack(): void {
    if (this.#reserved !== this.#lastSeq) this.#reserve(this.#lastSeq);
  }

  #reserve(upTo: number): void {
    this.#reserved = upTo;
    this.#setCounter("reserved", upTo);
  }

  #setCounter(name: "reserved" | "stored_chars", value: number): void {
    this.#sql.exec("INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", name, value);
  }
}
