/**
 * The events of the step a turn is streaming, kept for the snapshot a joining client gets
 * (turns.ts). A client folds them in order (protocol/transcript.ts), where a run of text deltas
 * grows one block and a call's argument deltas one string, so each delta is joined into the one
 * before it when the fold cannot tell the difference: a long answer is then a few events, not one
 * per token — a 32,000-token step was a ~1.5 MB snapshot frame and as many objects held in the
 * session's memory. A tool's streamed output keeps only the tail a client shows (MAX_PROGRESS_CHARS),
 * so a command printing megabytes does not grow the snapshot with it.
 */
import { type EventFrame, MAX_PROGRESS_CHARS, type StreamEvent } from "@maestro/protocol";

/** `next` joined into `previous` when folding the one equals folding both; undefined when not. */
function joined(previous: StreamEvent, next: StreamEvent): StreamEvent | undefined {
  switch (next.type) {
    case "text_delta":
      // A signature belongs to the text it came on (Gemini): such deltas stay as they are.
      if (previous.type !== "text_delta" || previous.signature !== undefined || next.signature !== undefined) return undefined;
      return { type: "text_delta", text: previous.text + next.text };
    case "thinking_delta":
      // A signature closes its part and new_part opens one: only deltas inside one part are joined.
      if (previous.type !== "thinking_delta" || previous.signature !== undefined || next.new_part === true) return undefined;
      if (previous.item_id !== next.item_id) return undefined;
      return { ...next, text: previous.text + next.text, ...(previous.new_part === true && { new_part: true }) };
    case "refusal_delta":
      return previous.type === "refusal_delta" ? { type: "refusal_delta", text: previous.text + next.text } : undefined;
    case "tool_call":
      if (next.phase !== "args_delta" || previous.type !== "tool_call" || previous.phase !== "args_delta") return undefined;
      return previous.call_id === next.call_id ? { ...next, delta: previous.delta + next.delta } : undefined;
    case "tool_progress": {
      if (previous.type !== "tool_progress" || previous.call_id !== next.call_id) return undefined;
      const output = `${previous.output ?? ""}${next.output ?? ""}`.slice(-MAX_PROGRESS_CHARS);
      const status = next.status ?? previous.status;
      return { type: "tool_progress", call_id: next.call_id, output, ...(status !== undefined && { status }) };
    }
    default:
      return undefined;
  }
}

/** Adds a streamed event to the step's, joined into the last one when it can be. */
export function appendLiveEvent(events: EventFrame[], frame: EventFrame): void {
  const last = events.at(-1);
  const event = last === undefined || last.turn_id !== frame.turn_id ? undefined : joined(last.event, frame.event);
  if (event === undefined) events.push(frame);
  else events[events.length - 1] = { ...frame, event };
}
