// Proves (issue 15): a stored message's outbox note is not deleted in a storage commit of its own.
// Its delete waits for the object's next storage write — the next note, the event log's (wired by
// the session object), the end of a turn's writes — and happens in the same call, so in the same
// commit; with none, it goes NOTE_SWEEP_MS later. Each commit is a disk sync that holds the
// Worker's thread and the object's outgoing frames.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Database } from "../../src/db/client.ts";
import type { NewMessage } from "../../src/db/queries/messages.ts";
import { createLogger } from "../../src/log.ts";
import { NOTE_SWEEP_MS, WriteBehind } from "../../src/session/write-behind.ts";

/** An object's storage and Postgres as the write-behind uses them, recording what it does. */
function standIn() {
  const done: string[] = [];
  const notes = new Map<string, unknown>();
  const storage = {
    put: (key: string, value: unknown) => {
      done.push("put");
      notes.set(key, value);
    },
    delete: (key: string) => {
      done.push("delete");
      notes.delete(key);
    },
    list: <T>(prefix: string) => [...notes].filter(([key]) => key.startsWith(prefix)) as [string, T][],
  };
  const db = { $client: { query: async () => void done.push("insert") } } as unknown as Database;
  const writes = new WriteBehind(
    { sessionId: "s", log: createLogger(), storage, db: () => db, keepAlive: () => undefined },
    () => undefined,
  );
  return { writes, done, notes };
}

let counter = 0;
function row(): NewMessage {
  counter += 1;
  return { id: `m${counter}`, sessionId: "s", conversationId: "c", role: "user", content: [{ type: "text", text: "hi" }] } as NewMessage;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the outbox's notes", () => {
  it("stay after their message is stored, and go with the next note, in the same call", async () => {
    const { writes, done, notes } = standIn();
    await writes.message(row());
    expect(done).toEqual(["put", "insert"]);
    expect(notes.size).toBe(1);
    const { note, written } = writes.messageNotedLater(row());
    note();
    // The first note's delete, then the second note: one storage write, one commit.
    expect(done).toEqual(["put", "insert", "delete", "put"]);
    expect(notes.size).toBe(1);
    await written;
  });

  it("go with another write of the object when it calls sweepNotes", async () => {
    const { writes, done, notes } = standIn();
    await writes.message(row());
    expect(notes.size).toBe(1);
    writes.sweepNotes();
    expect(done).toEqual(["put", "insert", "delete"]);
    expect(notes.size).toBe(0);
  });

  it("go once every write queued so far is done, at a turn's end", async () => {
    const { writes, notes } = standIn();
    const release = writes.hold();
    const first = writes.message(row());
    writes.sweepNotesWhenWritten();
    expect(notes.size).toBe(1);
    release();
    await first;
    await writes.idle();
    expect(notes.size).toBe(0);
  });

  it("go NOTE_SWEEP_MS after the first is stored when nothing else writes", async () => {
    vi.useFakeTimers();
    const { writes, done, notes } = standIn();
    await writes.message(row());
    vi.advanceTimersByTime(NOTE_SWEEP_MS - 1);
    expect(notes.size).toBe(1);
    vi.advanceTimersByTime(1);
    expect(notes.size).toBe(0);
    expect(done).toEqual(["put", "insert", "delete"]);
  });
});
