/**
 * Which of a step's tool calls run together. A run of consecutive calls that only read and need
 * no approval (reading files, listing, searching, read-only MCP tools) runs concurrently, at most
 * MAX_CONCURRENT_READS at a time: a model that asks for five files at once should wait for one
 * round trip to the user's machine, not five. Anything that may change the world, or must be
 * asked about first, runs alone and in order, so "read, edit, read" keeps its meaning.
 */
import { AsyncQueue } from "./async-queue.ts";

export const MAX_CONCURRENT_READS = 10;

export function batchCalls<T>(calls: readonly T[], concurrent: (call: T) => boolean): T[][] {
  const batches: { calls: T[]; concurrent: boolean }[] = [];
  for (const call of calls) {
    const together = concurrent(call);
    const last = batches.at(-1);
    if (together && last?.concurrent === true && last.calls.length < MAX_CONCURRENT_READS) last.calls.push(call);
    else batches.push({ calls: [call], concurrent: together });
  }
  return batches.map((batch) => batch.calls);
}

/**
 * Drives several generators at once, yielding their events as they come (each one's own events
 * stay in its order), and returns their results in the order the generators were given.
 */
export async function* runTogether<E, R>(generators: readonly AsyncGenerator<E, R>[]): AsyncGenerator<E, R[]> {
  const [only] = generators;
  if (generators.length === 1 && only !== undefined) return [yield* only];
  const events = new AsyncQueue<E>();
  const drain = async (generator: AsyncGenerator<E, R>): Promise<R> => {
    for (;;) {
      const next = await generator.next();
      if (next.done === true) return next.value;
      events.push(next.value);
    }
  };
  const results = Promise.all(generators.map(drain)).finally(() => events.close());
  for await (const event of events) yield event;
  return results;
}
