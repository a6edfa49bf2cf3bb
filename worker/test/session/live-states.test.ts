// Proves the feed's batching of the sessions' live states (feed/live-states.ts): a lone change is
// written at once; changes that arrive while a write is in flight go together in the next one,
// only each session's newest state; each caller hears when its own state is written, or that its
// write failed, and a failed write does not stop the next.
import type { SessionId } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { LiveStateBatcher } from "../../src/feed/live-states.ts";
import type { LiveState } from "../../src/kv/presence.ts";

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}` as SessionId;
const state = (activity: LiveState["activity"], total = 1): LiveState => ({
  presence: { total, web: total, tui: 0, api: 0 },
  activity,
});

/** A store whose writes end only when the test says so. */
function heldStore() {
  const batches: { states: Map<SessionId, LiveState>; settle: (error?: Error) => void }[] = [];
  const write = (states: ReadonlyMap<SessionId, LiveState>) =>
    new Promise<void>((resolve, reject) => {
      batches.push({ states: new Map(states), settle: (error) => (error === undefined ? resolve() : reject(error)) });
    });
  return { batches, write };
}

/** Lets promise callbacks run. */
const drain = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("the live states' batcher", () => {
  it("writes a lone change at once", async () => {
    const store = heldStore();
    const batcher = new LiveStateBatcher(store.write);
    let written = false;
    const done = batcher.write(id(1), state("streaming")).then(() => (written = true));
    await drain();
    expect(store.batches.map((batch) => [...batch.states])).toEqual([[[id(1), state("streaming")]]]);
    expect(written).toBe(false);
    store.batches[0]!.settle();
    await done;
    expect(written).toBe(true);
  });

  it("sends what arrives during a write in the next one, each session's newest state only", async () => {
    const store = heldStore();
    const batcher = new LiveStateBatcher(store.write);
    const first = batcher.write(id(1), state("streaming"));
    await drain();
    const waiting = [
      batcher.write(id(2), state("streaming")),
      batcher.write(id(3), state("waiting_tool")),
      batcher.write(id(2), state("idle", 0)),
    ];
    await drain();
    expect(store.batches).toHaveLength(1);

    store.batches[0]!.settle();
    await first;
    await drain();
    expect(store.batches).toHaveLength(2);
    expect([...store.batches[1]!.states]).toEqual([
      [id(2), state("idle", 0)],
      [id(3), state("waiting_tool")],
    ]);
    let settled = 0;
    for (const each of waiting) void each.then(() => (settled += 1));
    await drain();
    expect(settled).toBe(0);
    store.batches[1]!.settle();
    await Promise.all(waiting);
    expect(settled).toBe(3);
  });

  it("tells the callers of a failed write, and goes on with the next", async () => {
    const store = heldStore();
    const batcher = new LiveStateBatcher(store.write);
    const failed = batcher.write(id(1), state("streaming"));
    await drain();
    const next = batcher.write(id(2), state("streaming"));
    store.batches[0]!.settle(new Error("redis unreachable"));
    await expect(failed).rejects.toThrow("redis unreachable");
    await drain();
    expect([...store.batches[1]!.states.keys()]).toEqual([id(2)]);
    store.batches[1]!.settle();
    await expect(next).resolves.toBeUndefined();
  });
});
