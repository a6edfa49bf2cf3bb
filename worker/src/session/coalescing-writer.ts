/**
 * Text into a byte stream, one write in flight at a time: what is written while the stream is
 * still taking the last chunk waits and goes with the next one. A runtime byte pipe (an
 * `IdentityTransformStream`) takes a write only once its reader has asked for one, and each
 * hand-over costs the thread a few turns of the event loop; a turn's end writes several frames
 * at once (the last events, the answer, `turn_end`), and a fast model many tokens between two
 * reads, so writing each on its own queued them one hand-over apart, milliseconds behind the
 * same frames on a socket. Joined, a burst leaves in one chunk, the moment the stream can take it.
 */
const encoder = new TextEncoder();

export interface CoalescingWriter {
  /** Queues text; never throws (a stream whose reader went away swallows it). */
  write(text: string): void;
  /** Closes the stream once everything written so far has gone. */
  close(): void;
}

export function coalescingWriter(writable: WritableStream<Uint8Array>): CoalescingWriter {
  const writer = writable.getWriter();
  let waiting = "";
  let inFlight = false;
  let closing = false;
  let broken = false;

  const pump = (): void => {
    if (broken) return;
    if (waiting === "") {
      if (closing) writer.close().catch(() => undefined);
      return;
    }
    const chunk = encoder.encode(waiting);
    waiting = "";
    inFlight = true;
    writer.write(chunk).then(
      () => {
        inFlight = false;
        pump();
      },
      () => {
        // The client went away: nothing more will be read.
        broken = true;
        waiting = "";
      },
    );
  };

  return {
    write(text) {
      if (broken || closing) return;
      waiting += text;
      if (!inFlight) pump();
    },
    close() {
      if (closing) return;
      closing = true;
      if (!inFlight) pump();
    },
  };
}
