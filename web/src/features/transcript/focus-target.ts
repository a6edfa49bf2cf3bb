/**
 * Where a jump to a message lands in the transcript. A tool's result is drawn inside the card of
 * the call that asked for it, so a hit in a tool message lands on the model's message holding that
 * call (older than the result: it may need one more page of history first).
 */
import type { Message } from "@maestro/protocol";

/** The id of the message to highlight for `focusId`, or null while it is not among `messages`. */
export function focusTarget(messages: readonly Message[], focusId: string | null): string | null {
  if (focusId === null) return null;
  const message = messages.find((each) => each.id === focusId);
  if (message === undefined) return null;
  if (message.role !== "tool") return message.id;
  const callIds = new Set(message.content.flatMap((part) => (part.type === "tool_result" ? [part.call_id] : [])));
  const caller = messages.find((each) => each.content.some((part) => part.type === "tool_call" && callIds.has(part.call_id)));
  return caller?.id ?? null;
}
