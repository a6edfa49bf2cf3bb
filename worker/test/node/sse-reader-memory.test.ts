// Proves (issue 15 §4): reading a long stream holds nothing of what was already read. The idle
// watchdog once raced every read against a promise that lived as long as the stream, and each race
// left a reaction on it holding that read's chunk: a 30,000-token answer kept all its bytes (and
// ~0.5 KB per read) until it ended. Node-side: only here can a test force a garbage collection.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { SseReader } from "../../src/providers/sse.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Heap and ArrayBuffer bytes still reachable, in MB. */
function liveMb(): number {
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return (heapUsed + arrayBuffers) / 1048576;
}

const CHUNKS = 20_000;
const CHUNK = new TextEncoder().encode(`data: ${JSON.stringify({ text: "x".repeat(2000) })}\n\n`);

describe("SseReader on a long stream", () => {
  it("keeps nothing of the chunks it has read while the stream goes on (idle watchdog armed)", async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      // A fresh buffer per chunk, as a network read gives.
      pull: (controller) => {
        if (sent === CHUNKS) return controller.close();
        controller.enqueue(CHUNK.slice());
        sent += 1;
      },
    });
    const reader = new SseReader(body, { idleMs: 60_000 });
    const before = liveMb();
    let messages = 0;
    let midway = Number.NaN;
    for (let read = await reader.next(); read !== undefined; read = await reader.next()) {
      messages += read.length;
      if (messages === CHUNKS / 2) midway = liveMb();
    }
    await reader.close();
    expect(messages).toBe(CHUNKS);
    // Half the stream read is ~20 MB of chunks: none of it may still be held.
    expect(midway - before).toBeLessThan(5);
  });
});
