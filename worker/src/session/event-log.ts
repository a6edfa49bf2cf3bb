/**
 * The session's numbered frame log, in the Durable Object's SQLite storage: every broadcast frame
 * gets the next `seq` and is kept (the newest MAX_FRAMES), so a client that reconnects with
 * `hello{since}` receives exactly what it missed. Survives hibernation and eviction.
 */
import type { BroadcastFrame } from "@maestro/protocol";

/** A broadcast frame before it is numbered. */
export type UnnumberedFrame = BroadcastFrame extends infer F ? (F extends BroadcastFrame ? Omit<F, "seq"> : never) : never;

export interface NumberedFrame {
  readonly frame: BroadcastFrame;
  readonly text: string;
}

const MAX_FRAMES = 2000;

export class EventLog {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec("CREATE TABLE IF NOT EXISTS frames (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
  }

  /** The seq of the newest frame ever numbered (0 before the first). */
  get lastSeq(): number {
    const row = this.#sql.exec<{ value: number }>("SELECT value FROM counters WHERE name = 'seq'").toArray()[0];
    return row?.value ?? 0;
  }

  /** Number a frame, store it, and return it numbered, with its wire text. */
  append(frame: UnnumberedFrame): NumberedFrame {
    const seq = this.lastSeq + 1;
    const numbered = { ...frame, seq } as BroadcastFrame;
    const body = JSON.stringify(numbered);
    this.#sql.exec("INSERT INTO counters (name, value) VALUES ('seq', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", seq);
    this.#sql.exec("INSERT INTO frames (seq, body) VALUES (?, ?)", seq, body);
    if (seq % 100 === 0) this.#sql.exec("DELETE FROM frames WHERE seq <= ?", seq - MAX_FRAMES);
    return { frame: numbered, text: body };
  }

  /**
   * The wire texts of every frame after `since`, oldest first; undefined when they cannot all
   * be given (the client is too far behind, or names a seq this session never reached).
   */
  since(since: number): string[] | undefined {
    const last = this.lastSeq;
    if (since > last) return undefined;
    const rows = this.#sql.exec<{ seq: number; body: string }>("SELECT seq, body FROM frames WHERE seq > ? ORDER BY seq", since).toArray();
    const complete = rows.length === last - since && (rows.length === 0 || rows[0]?.seq === since + 1);
    return complete ? rows.map((row) => row.body) : undefined;
  }
}
