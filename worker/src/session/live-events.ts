/**
 * The events of the step a turn is streaming, kept for the snapshot a joining client gets
 * (turns.ts). A client folds them in order (protocol/transcript.ts), where a run of text deltas
 * grows one block and a call's argument deltas one string, so each delta is joined into the one
 * before it when the fold cannot tell the difference (protocol/event-join.ts): a long answer is
 * then a few events, not one per token — a 32,000-token step was a ~1.5 MB snapshot frame and as
 * many objects held in the session's memory. A tool's streamed output keeps only the tail a client
 * shows (MAX_PROGRESS_CHARS), so a command printing megabytes does not grow the snapshot with it.
 */
import { type EventFrame, joinStreamEvents } from "@maestro/protocol";

/** Adds a streamed event to the step's, joined into the last one when it can be. */
export function appendLiveEvent(events: EventFrame[], frame: EventFrame): void {
  const last = events.at(-1);
  const event = last === undefined || last.turn_id !== frame.turn_id ? undefined : joinStreamEvents(last.event, frame.event);
  if (event === undefined) events.push(frame);
  else events[events.length - 1] = { ...frame, event };
}
