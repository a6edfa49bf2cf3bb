// Proves (issue 15 §4, §3): a session's resume log holds a bounded number of BYTES in memory and
// in storage (where the frames of a running step are kept past the bounds, for a restart to
// rebuild the cut-off answer from), drops the memory copy once the session goes quiet (resumes are then read from storage, unchanged),
// and a crash that loses the frames not yet written never lets a seq be given out twice: the new
// numbering starts past every seq handed out, and a resume across the lost tail is refused (the
// client gets a snapshot instead). The socket-level proof of the last point is in turns.test.ts.
// A step's tokens still waiting to be written when its answer is stored whole are written after
// its turn, not in the commit the answer and turn_end are held for.
import type { BroadcastFrame } from "@maestro/protocol";
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, EventLog, type EventLogLimits, type UnnumberedFrame } from "../../src/session/event-log.ts";
import type { SessionDO } from "../../src/session/session-do.ts";
import { settle } from "../helpers/socket.ts";

const TURN = "00000000-0000-4000-8000-000000000001";
const token = (index: number): UnnumberedFrame => ({
  type: "event",
  turn_id: TURN,
  event: { type: "text_delta", index: 0, text: `token ${index} `.padEnd(40, ".") },
});
const presence: UnnumberedFrame = { type: "presence", presence: { total: 0, web: 0, tui: 0, api: 0 } };

/** Runs `check` on a fresh object's storage (the object's own log is never used). */
async function withStorage<T>(check: (sql: SqlStorage) => Promise<T> | T): Promise<T> {
  const stub = env.SESSION.get(env.SESSION.idFromName(`event-log-${crypto.randomUUID()}`));
  return runInDurableObject(stub, (_instance: SessionDO, state) => check(state.storage.sql));
}

const seqOf = (text: string) => (JSON.parse(text) as BroadcastFrame).seq;
const storedSeqs = (sql: SqlStorage) =>
  sql
    .exec<{ seq: number }>("SELECT seq FROM frames ORDER BY seq")
    .toArray()
    .map((row) => row.seq);

describe("the session's event log", () => {
  it("keeps at most recentBytes of wire text in memory, and still resumes from older frames out of storage", async () => {
    await withStorage((sql) => {
      const limits: EventLogLimits = { ...DEFAULT_LIMITS, recentBytes: 4096, releaseMs: 60_000 };
      const log = new EventLog(sql, limits);
      const texts = Array.from({ length: 3000 }, (_, index) => log.append(token(index)).text);
      expect(log.memoryBytes).toBeLessThanOrEqual(4096);
      expect(log.memoryBytes).toBeGreaterThan(4096 - 200);
      // Recent frames come from memory, older ones from storage: the same texts either way.
      expect(log.since(2990)).toEqual(texts.slice(2990));
      expect(log.since(1500)).toEqual(texts.slice(1500));
      // Storage keeps the newest 2000 frames: a client further behind gets a snapshot.
      expect(log.since(10)).toBeUndefined();
    });
  });

  it("keeps at most storedChars of wire text in storage: a client further behind than that gets a snapshot", async () => {
    await withStorage((sql) => {
      const stored = () =>
        sql.exec<{ frames: number; chars: number }>("SELECT count(*) AS frames, sum(length(body)) AS chars FROM frames").one();
      const log = new EventLog(sql, { ...DEFAULT_LIMITS, recentBytes: 4096, storedChars: 100_000 });
      // Large frames (a tool's output): 60 of 10,000 characters, written as they come.
      const big = (index: number): UnnumberedFrame => ({
        ...token(index),
        event: { type: "text_delta", index: 0, text: "x".repeat(10_000) },
      });
      const texts: string[] = [];
      for (let index = 0; index < 60; index += 1) {
        texts.push(log.append(big(index)).text);
        log.flush();
        expect(stored().chars).toBeLessThanOrEqual(100_000);
      }
      // Trimmed to three quarters of the bound when passed: 7 or 8 frames, never fewer than that.
      expect(stored().frames).toBeGreaterThanOrEqual(7);
      expect(log.since(55)).toEqual(texts.slice(55));
      expect(log.since(10)).toBeUndefined();
      // An object rebuilt from storage reads the count kept with the frames and keeps to the bound;
      // the count is SQLite's own, so characters JavaScript counts twice (😀) do not make it drift.
      const counted = () => sql.exec<{ value: number }>("SELECT value FROM counters WHERE name = 'stored_chars'").one().value;
      const after = new EventLog(sql, { ...DEFAULT_LIMITS, storedChars: 100_000 });
      for (let index = 60; index < 90; index += 1) {
        after.append({ ...big(index), event: { type: "text_delta", index: 0, text: "😀".repeat(5_000) } });
        after.flush();
        expect(stored().chars).toBeLessThanOrEqual(100_000);
        expect(counted()).toBe(stored().chars);
      }
    });
  });

  it("keeps a running step's frames past both bounds until the step moves on, then trims them", async () => {
    await withStorage((sql) => {
      const log = new EventLog(sql, { ...DEFAULT_LIMITS, storedChars: 100_000 });
      log.append(presence); // the user's message
      log.keepAfter(log.lastSeq);
      // An answer of 3,000 tokens (~390,000 characters): more than 2,000 frames and the size bound.
      const answer = Array.from({ length: 3000 }, (_, index) => log.append(token(index)).text);
      log.flush();
      expect(log.framesAfter(1)).toEqual(answer);
      // The step is stored: its frames are an ordinary resume log again, trimmed at the next write.
      log.append(presence);
      log.keepAfter(log.lastSeq);
      log.append(presence);
      const left = sql.exec<{ frames: number; chars: number }>("SELECT count(*) AS frames, sum(length(body)) AS chars FROM frames").one();
      expect(left.chars).toBeLessThanOrEqual(100_000);
      expect(log.since(1)).toBeUndefined();
    });
  });

  it("drops its in-memory copy once quiet, everything written and nothing reserved, so a restart continues gap-free", async () => {
    await withStorage(async (sql) => {
      const log = new EventLog(sql, { ...DEFAULT_LIMITS, releaseMs: 50 });
      const texts = Array.from({ length: 30 }, (_, index) => log.append(token(index)).text);
      expect(log.memoryBytes).toBeGreaterThan(0);
      await settle(150);
      expect(log.memoryBytes).toBe(0);
      expect(log.since(0)).toEqual(texts);
      // An object rebuilt now (hibernation, eviction) numbers on without a gap and still resumes.
      const after = new EventLog(sql);
      expect(after.lastSeq).toBe(30);
      expect(after.append(presence).frame.seq).toBe(31);
      expect(after.since(25)?.map(seqOf)).toEqual([26, 27, 28, 29, 30, 31]);
    });
  });

  it("keeps its reservation while a turn holds it (no reservation write before the turn's first token), and gives it back when let go", async () => {
    await withStorage((sql) => {
      const reserved = () => sql.exec<{ value: number }>("SELECT value FROM counters WHERE name = 'reserved'").toArray()[0]?.value ?? 0;
      const log = new EventLog(sql, { ...DEFAULT_LIMITS, flushMs: 60_000, releaseMs: 60_000 });
      log.append(presence);
      expect(reserved()).toBe(1); // idle: nothing reserved past what was written
      const letGo = log.hold();
      log.append(presence); // the user's message: written at once, the reservation taken for the turn
      const during = reserved();
      expect(during).toBeGreaterThan(2);
      const first = log.append(token(0)).frame.seq;
      log.append(presence); // a stored step: written, the reservation kept
      log.append(token(1));
      expect(reserved()).toBe(during);
      // A crash mid-turn: the next object numbers past everything handed out.
      expect(new EventLog(sql).lastSeq).toBeGreaterThanOrEqual(first + 2);
      log.append(presence); // turn_end
      letGo();
      letGo(); // a second call changes nothing
      expect(reserved()).toBe(log.lastSeq);
      // Let go, the log is complete in storage: a rebuilt object continues gap-free.
      const after = new EventLog(sql);
      expect(after.lastSeq).toBe(log.lastSeq);
      expect(after.since(1)?.map(seqOf)).toEqual([2, 3, 4, 5, 6]);
    });
  });

  it("gives a held reservation back once the log is quiet (a turn waiting on a person), and takes one again for the next frame", async () => {
    await withStorage(async (sql) => {
      const reserved = () => sql.exec<{ value: number }>("SELECT value FROM counters WHERE name = 'reserved'").toArray()[0]?.value ?? 0;
      const log = new EventLog(sql, { ...DEFAULT_LIMITS, flushMs: 60_000, releaseMs: 50 });
      const letGo = log.hold();
      log.append(presence);
      log.append(token(0));
      log.append(presence); // an approval request: then nothing for a while
      expect(reserved()).toBeGreaterThan(log.lastSeq);
      await settle(150);
      // Quiet: everything is written and nothing reserved, so a crash now still resumes by replay.
      expect(reserved()).toBe(3);
      expect(new EventLog(sql).since(0)?.map(seqOf)).toEqual([1, 2, 3]);
      expect(log.append(token(1)).frame.seq).toBe(4);
      expect(reserved()).toBeGreaterThan(4);
      letGo();
      expect(reserved()).toBe(4);
    });
  });

  it("writes a token frame within flushMs, each log on a jittered timer: sessions streaming together do not go on committing at once", async () => {
    const flushMs = 400;
    // Sixteen sessions whose first tokens come at the same moment (a fan-out, a script starting them together).
    const delays = await Promise.all(
      Array.from({ length: 16 }, () =>
        withStorage(async (sql) => {
          const log = new EventLog(sql, { ...DEFAULT_LIMITS, flushMs, releaseMs: 60_000 });
          log.append(presence);
          const { seq } = log.append(token(0)).frame;
          const written = () => sql.exec<{ n: number }>("SELECT count(*) AS n FROM frames WHERE seq = ?", seq).one().n === 1;
          const started = Date.now();
          while (!written() && Date.now() - started < 2 * flushMs) await settle(5);
          expect(written()).toBe(true);
          return Date.now() - started;
        }),
      ),
    );
    // Never later than flushMs (and a timer's slack), not much sooner; not in step with one another.
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(flushMs + 60);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual((flushMs * 3) / 4 - 10);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(25);
  });

  it("writes token frames in batches; a crash before the batch loses them but never reuses their seqs", async () => {
    await withStorage((sql) => {
      const log = new EventLog(sql, { ...DEFAULT_LIMITS, flushMs: 60_000, releaseMs: 60_000 });
      log.append(presence); // written at once
      const seen = Array.from({ length: 20 }, (_, index) => log.append(token(index)).frame.seq);
      // The object dies now: a new one sees only what reached storage.
      const after = new EventLog(sql);
      expect(after.lastSeq).toBeGreaterThanOrEqual(Math.max(...seen));
      const next = after.append(presence).frame.seq;
      expect(next).toBeGreaterThan(Math.max(...seen));
      // A client that saw the lost tokens, or only the first frame, cannot be replayed to: snapshot.
      expect(after.since(seen.at(-1) ?? 0)).toBeUndefined();
      expect(after.since(1)).toBeUndefined();
      // What recover() reads is whatever was written, gaps and all.
      expect(after.framesAfter(0).map(seqOf)).toEqual([1, next]);
    });
  });

  it("writes a stored step's waiting tokens after its turn, not in the commit of its answer and turn_end: resumes are unchanged", async () => {
    await withStorage(async (sql) => {
      const log = new EventLog(sql, { ...DEFAULT_LIMITS, flushMs: 100, releaseMs: 60_000 });
      const letGo = log.hold();
      const user = log.append(presence).text;
      const tokens = Array.from({ length: 30 }, (_, index) => log.append(token(index)).text);
      log.deferTokens();
      const answer = log.append(presence).text;
      const end = log.append(presence).text;
      letGo();
      // The answer's commit and turn_end's hold the frames before and after the tokens, none of them.
      expect(storedSeqs(sql)).toEqual([user, answer, end].map(seqOf));
      // A client that reconnects now gets every frame it missed, tokens too, from memory…
      expect(log.since(seqOf(tokens[9]!))).toEqual([...tokens.slice(10), answer, end]);
      // …and the next write after the turn (the session's new totals) takes them along, so a
      // resume from storage replays them too.
      const totals = log.append(presence).text;
      expect(storedSeqs(sql)).toEqual([user, ...tokens, answer, end, totals].map(seqOf));
      expect(new EventLog(sql).since(seqOf(tokens[9]!))).toEqual([...tokens.slice(10), answer, end, totals]);
      // With no write after it, a step's deferred tokens are written by their timer.
      const more = Array.from({ length: 5 }, (_, index) => log.append(token(index)).text);
      log.deferTokens();
      const next = log.append(presence).text;
      const started = Date.now();
      while (storedSeqs(sql).length < 40 && Date.now() - started < 1000) await settle(5);
      expect(storedSeqs(sql).slice(-6)).toEqual([...more, next].map(seqOf));
    });
  });

  it("writes deferred tokens before storage is read, and a crash before their timer costs a resume across them a snapshot", async () => {
    await withStorage((sql) => {
      const limits: EventLogLimits = { ...DEFAULT_LIMITS, flushMs: 60_000, releaseMs: 60_000 };
      const log = new EventLog(sql, limits);
      const user = log.append(presence).text;
      const tokens = Array.from({ length: 30 }, (_, index) => log.append(token(index)).text);
      log.deferTokens();
      const answer = log.append(presence).text;
      // The object dies now: a new one numbers on past everything and refuses to replay across the gap.
      const rebuilt = new EventLog(sql, limits);
      expect(rebuilt.lastSeq).toBe(seqOf(answer));
      expect(rebuilt.since(seqOf(tokens[9]!))).toBeUndefined();
      expect(rebuilt.since(seqOf(user))).toBeUndefined();
      expect(rebuilt.since(seqOf(answer))).toEqual([]);
      // The object that lived on writes them the moment a resume must read storage.
      expect(log.framesAfter(seqOf(user)).map(seqOf)).toEqual([...tokens, answer].map(seqOf));
      expect(storedSeqs(sql)).toEqual([user, ...tokens, answer].map(seqOf));
    });
  });
});
