/**
 * Compaction, the plan and the view (pure): where a session makes room in the model's context,
 * and what later requests send because of it. The full record never changes; a `compaction`
 * message marks that tool results up to one message go as short stubs, and that the messages up
 * to another are replaced by a summary. Both boundaries only move forward and only at turn
 * boundaries, so each compaction changes the requests' common prefix once — one cache write.
 */
import type { ContentPart, Message, MessageId } from "@maestro/protocol";
import type { ConversationMessage } from "../providers/provider.ts";

type CompactionPart = Extract<ContentPart, { type: "compaction" }>;
type ToolResultPart = Extract<ContentPart, { type: "tool_result" }>;

/** Turns whose tool results are always sent whole: the work in hand. */
export const KEEP_TOOL_OUTPUT_TURNS = 3;
/** Turns kept word for word after a summary, so the conversation picks up where it was. */
export const KEEP_TURNS_AFTER_SUMMARY = 2;
/** Results this short are cheaper to keep than to stub. */
const STUB_MIN_CHARS = 400;

export function compactionOf(message: Message): CompactionPart | undefined {
  if (message.role !== "compaction") return undefined;
  return message.content.find((part): part is CompactionPart => part.type === "compaction");
}

/** What the latest compactions say about `messages` (oldest first), as positions in it. */
export interface CompactionView {
  /** The first message sent word for word (after the summarised ones). */
  readonly from: number;
  readonly summary: string | null;
  /** Tool results in messages at or before this position go as stubs (-1: none). */
  readonly prunedThrough: number;
}

export function compactionView(messages: readonly Message[]): CompactionView {
  let from = 0;
  let summary: string | null = null;
  let prunedThrough = -1;
  const positionOf = (id: MessageId | null) => (id === null ? -1 : messages.findIndex((message) => message.id === id));
  for (const message of messages) {
    const compaction = compactionOf(message);
    if (compaction === undefined) continue;
    if (compaction.summary !== null && compaction.summarized_through !== null) {
      summary = compaction.summary;
      // A boundary older than what was loaded: everything loaded comes after it.
      from = positionOf(compaction.summarized_through) + 1;
    }
    if (compaction.pruned_through !== null) prunedThrough = Math.max(prunedThrough, positionOf(compaction.pruned_through));
  }
  return { from, summary, prunedThrough };
}

/** A tool result as later requests send it once it is pruned: what it was, and how to get it back. */
export function stubbed(part: ToolResultPart): ToolResultPart {
  if (part.output.length < STUB_MIN_CHARS) return part;
  return {
    ...part,
    output: `[Output elided to keep the conversation within the model's context: ${part.name} returned ${part.output.length.toLocaleString("en-US")} characters here. Run the tool again if it is needed.]`,
  };
}

/** The summary as the model reads it: the first thing it is told, before the turns kept. */
export function summaryMessage(summary: string): ConversationMessage {
  return {
    role: "user",
    content: [
      { type: "text", text: `This conversation continues from earlier turns, which were summarised to save context:\n\n${summary}` },
    ],
    stable: true,
  };
}

/** Positions of the messages that start a turn (a person's message), from `from` on. */
function turnStarts(messages: readonly Message[], from: number): number[] {
  const starts: number[] = [];
  for (let index = from; index < messages.length; index += 1) if (messages[index]?.role === "user") starts.push(index);
  return starts;
}

/** The last message before the newest `keep` turns, or undefined when there are no older turns. */
function throughBefore(messages: readonly Message[], from: number, keep: number): Message | undefined {
  const starts = turnStarts(messages, from);
  const firstKept = starts.at(-keep);
  if (firstKept === undefined || firstKept <= from) return undefined;
  return messages[firstKept - 1];
}

/**
 * Where to prune: tool results before the newest `keep` turns, if any is long enough to be worth
 * a stub. (A context that overflows in the middle of a turn keeps only that turn.)
 */
export function planPrune(messages: readonly Message[], keep = KEEP_TOOL_OUTPUT_TURNS): MessageId | null {
  const view = compactionView(messages);
  const through = throughBefore(messages, view.from, keep);
  if (through === undefined) return null;
  const end = messages.indexOf(through);
  const worthIt = messages
    .slice(Math.max(view.from, view.prunedThrough + 1), end + 1)
    .some((message) => message.role === "tool" && message.content.some((part) => part.type === "tool_result" && stubbed(part) !== part));
  return worthIt ? through.id : null;
}

/** Where to summarise: everything before the newest `keep` turns, or null when there is nothing older. */
export function planSummary(messages: readonly Message[], keep = KEEP_TURNS_AFTER_SUMMARY): MessageId | null {
  return throughBefore(messages, compactionView(messages).from, keep)?.id ?? null;
}

/** What the model is asked for when it writes the summary (after the conversation it summarises). */
export function summaryRequest(instructions: string | undefined): ConversationMessage {
  const keep = instructions === undefined ? "" : `\n\nThe person asked that the summary keep this in particular: ${instructions}`;
  return {
    role: "user",
    content: [
      {
        type: "text",
        text:
          "Summarise the conversation so far so that it can continue from your summary alone; the earlier messages will no longer be available. " +
          "Cover: what the person asked for and why; the decisions made and their reasons; the files, commands and code involved (paths, names, " +
          "exact errors); what was done and what it showed; what is still open; and the next step. Be specific and complete, not brief. " +
          `Answer with the summary only; do not call any tool.${keep}`,
      },
    ],
  };
}
