/**
 * What a snapshot says about one turn, for `maestro send` when a resume came back as a snapshot
 * instead of the frames it missed: the text the turn has produced so far, and how it ended (or
 * that it still runs). Pure; the stored messages are the source, the live events add the rest.
 */
import type { Message, SnapshotFrame } from "@maestro/protocol";

export interface SnapshotTurn {
  /** Every text the turn's answer holds so far, in order (stored steps, then the step streaming). */
  readonly text: string;
  /** Null while the turn still runs; then how it ended, with what to tell the user when it failed. */
  readonly ended: { readonly ok: boolean; readonly problem: string | null } | null;
}

/** A message's text parts, joined: how the user's message is recognised, and an answer read. */
export const textOf = (message: Message) => message.content.map((part) => (part.type === "text" ? part.text : "")).join("");

/** The id of the turn the user message with this text started, newest first; null when absent. */
export function turnOfText(snapshot: SnapshotFrame, text: string): string | null {
  const sent = text.trim();
  const message = snapshot.messages.findLast((each) => each.role === "user" && textOf(each) === sent);
  return message?.turn_id ?? null;
}

/**
 * Each model step's text (steps are separated by tool calls) as its own paragraph, as `send`
 * prints them live, so what a snapshot holds lines up with what was printed.
 */
export function paragraphs(texts: readonly string[]): string {
  return texts.filter((text) => text.length > 0).join(STEP_BREAK);
}

export const STEP_BREAK = "\n\n";

export function readSnapshotTurn(snapshot: SnapshotFrame, turnId: string): SnapshotTurn {
  const answers = snapshot.messages.filter((message) => message.turn_id === turnId && message.role === "assistant");
  const stored = paragraphs(answers.map(textOf));
  if (snapshot.turn?.turn_id === turnId) {
    const streaming = snapshot.turn.events.map((frame) => (frame.event.type === "text_delta" ? frame.event.text : "")).join("");
    return { text: paragraphs([stored, streaming]), ended: null };
  }
  const last = answers.at(-1);
  if (last === undefined) return { text: stored, ended: { ok: false, problem: "The turn ended without an answer." } };
  if (last.status === "error") return { text: stored, ended: { ok: false, problem: `The turn failed: ${last.error ?? "unknown error"}.` } };
  if (last.status === "partial")
    return { text: stored, ended: { ok: false, problem: "The turn was cut short (cancelled or interrupted)." } };
  return { text: stored, ended: { ok: true, problem: null } };
}
