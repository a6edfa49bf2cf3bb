/**
 * The session's record with its totals — tokens, cost, context size, last activity — kept current
 * by the object, so that the end of a turn tells every client the new totals without reading
 * Postgres again (issue 15: a re-read was four queries a turn, one of them a SUM over every
 * message the session has, and ~0.2 ms of the Worker's thread). The totals move only by the
 * messages this object stores (it is the one writer of its session's messages), and it counts
 * each one as it stores it (StoredTally). The first read, and the first after anything else
 * changed the session (a configure, a credential, an agent, a branch switch, a write that was
 * lost), goes through the write-behind queue, so it holds exactly the messages stored before it
 * was asked for: those after it are what the tally adds. The record's other parts (the bound
 * agents' names, the credential's context window) change elsewhere and are told of by notices, so
 * it is trusted only while the turn's inputs are (turn-cache.ts).
 */
import type { SessionId } from "@maestro/protocol";
import type { NewMessage } from "../db/queries/messages.ts";
import { getSession, type SessionRecord } from "../db/queries/sessions.ts";
import type { WriteBehind } from "./write-behind.ts";

/** What the stored messages add up to (db/queries/sessions.ts usageBySession sums the same columns). */
interface StoredSum {
  readonly messages: number;
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  /** In units of 1e-8 USD, the column's scale: integers add without drift. */
  readonly cost: number;
  /** After the newest message (the session row's context_tokens). */
  readonly contextTokens: number;
  readonly lastActivityAt: Date | null;
}

const NOTHING: StoredSum = {
  messages: 0,
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  cost: 0,
  contextTokens: 0,
  lastActivityAt: null,
};
const COST_SCALE = 1e8;

/** Counts every message the object stores, as it stores it. */
export class StoredTally {
  #sum = NOTHING;

  get sum(): StoredSum {
    return this.#sum;
  }

  /** `contextTokens`: the context's size with this message, as the session row gets it. */
  add(row: NewMessage, contextTokens: number): void {
    const sum = this.#sum;
    // A fork's or an import's copies were paid for elsewhere; this object stores none, but the rule is the sums'.
    const paid = row.isCopy !== true;
    this.#sum = {
      messages: sum.messages + 1,
      input: sum.input + (paid ? (row.inputTokens ?? 0) : 0),
      output: sum.output + (paid ? (row.outputTokens ?? 0) : 0),
      cacheRead: sum.cacheRead + (paid ? (row.cacheReadTokens ?? 0) : 0),
      cacheWrite: sum.cacheWrite + (paid ? (row.cacheWriteTokens ?? 0) : 0),
      cost: sum.cost + (paid && row.totalCostUsd != null ? Math.round(Number(row.totalCostUsd) * COST_SCALE) : 0),
      contextTokens,
      lastActivityAt: row.createdAt ?? sum.lastActivityAt,
    };
  }
}

export class SessionTotals {
  readonly #host: { readonly sessionId: SessionId };
  readonly #tally: StoredTally;
  readonly #writes: WriteBehind;
  readonly #trusted: () => boolean;
  /** The record as read, and the tally when the read was queued. */
  #base: { readonly record: SessionRecord; readonly sum: StoredSum } | undefined;
  /** Bumped by invalidate(): a read queued before it is neither the base nor shown. */
  #generation = 0;

  /**
   * `trusted`: whether notices of a change elsewhere (an agent renamed, a credential's window) would
   * reach this object now (turn-cache.ts); when not, the record's other parts are read again too.
   */
  constructor(host: { readonly sessionId: SessionId }, tally: StoredTally, writes: WriteBehind, trusted: () => boolean) {
    this.#host = host;
    this.#trusted = trusted;
    this.#tally = tally;
    this.#writes = writes;
  }

  /** Something besides a stored message changed the session: the next call reads it again. */
  invalidate(): void {
    this.#base = undefined;
    this.#generation += 1;
  }

  /** current(), once every write made so far is in Postgres: a list the clients reload then shows the same. */
  async whenStored(): Promise<SessionRecord | undefined> {
    await this.#writes.idle();
    return this.current();
  }

  /** The session as Postgres will have it once every stored message is written (undefined: it is gone). */
  async current(): Promise<SessionRecord | undefined> {
    const base = this.#base;
    if (base !== undefined && this.#trusted()) return withStored(base.record, base.sum, this.#tally.sum);
    const generation = this.#generation;
    const sum = this.#tally.sum;
    const record = await this.#writes.read((db) => getSession(db, this.#host.sessionId));
    // Changed meanwhile (a configure that broadcast its own update): this read may predate it.
    if (generation !== this.#generation) return this.current();
    if (record !== undefined) this.#base = { record, sum };
    return record;
  }
}

/** `record`, read when the tally stood at `from`, moved on by what was stored until `to`. */
function withStored(record: SessionRecord, from: StoredSum, to: StoredSum): SessionRecord {
  if (to.messages === from.messages) return record;
  const { usage } = record;
  return {
    ...record,
    usage: {
      input_tokens: usage.input_tokens + to.input - from.input,
      output_tokens: usage.output_tokens + to.output - from.output,
      cache_read_tokens: usage.cache_read_tokens + to.cacheRead - from.cacheRead,
      cache_write_tokens: usage.cache_write_tokens + to.cacheWrite - from.cacheWrite,
    },
    costUsd: (Math.round(record.costUsd * COST_SCALE) + to.cost - from.cost) / COST_SCALE,
    row: { ...record.row, contextTokens: to.contextTokens, lastActivityAt: to.lastActivityAt ?? record.row.lastActivityAt },
  };
}
