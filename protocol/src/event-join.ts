/**
 * When two stream events in a row may travel as one: a run of text deltas grows one block and a
 * call's argument deltas one string in every client's fold (transcript.ts), so such a pair joined
 * folds to the same transcript as the pair. The Worker joins what one upstream read brought (one
 * frame for a burst of tokens, not one each) and what a turn keeps for a joining client's snapshot.
 */
import type { StreamEvent } from "./stream-event.ts";
import { MAX_PROGRESS_CHARS } from "./transcript.ts";

/** `next` joined into `previous` when folding the one equals folding both; undefined when not. */
export function joinStreamEvents(previous: StreamEvent, next: StreamEvent): StreamEvent | undefined {
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

/** Adds `event` to `events`, joined into the last one when it can be. */
export function appendJoined(events: StreamEvent[], event: StreamEvent): void {
  const last = events.at(-1);
  const joined = last === undefined ? undefined : joinStreamEvents(last, event);
  if (joined === undefined) events.push(event);
  else events[events.length - 1] = joined;
}
