/**
 * Making room in a session's context (issue 12 §3): first prune — old tool results go as short
 * stubs — and, when that is not enough (or someone asked), have the model summarise the older
 * turns. The result is one `compaction` message; nothing stored before it changes. A plain
 * module: the turn manager says when, and supplies the model call and the store.
 */
import type { ContentPart, Message, MessageId, TokenUsage } from "@maestro/protocol";
import type { ConversationMessage } from "../providers/provider.ts";
import { compactionView, planPrune, planSummary, stubbed, summaryRequest } from "./compaction.ts";
import { estimateTextTokens, estimateTokens } from "./context-estimate.ts";
import { toConversation } from "./history.ts";

type CompactionPart = Extract<ContentPart, { type: "compaction" }>;

export type CompactionTrigger = CompactionPart["trigger"];

/** What the summary call gave back. */
export interface SummaryAnswer {
  readonly text: string | null;
  readonly usage: TokenUsage | null;
  readonly costUsd: number | null;
  readonly error: string | null;
}

export interface CompactionInput {
  /** The loaded conversation, oldest first, compactions included. */
  readonly messages: readonly Message[];
  readonly trigger: CompactionTrigger;
  readonly instructions?: string | undefined;
  /** How full the context is now (context-accounting.ts). */
  readonly contextTokens: number;
  /** Where a prune alone is enough (the threshold); null when the window is unknown. */
  readonly targetTokens: number | null;
  /** The model's window, to keep the summary request itself inside it; null when unknown. */
  readonly windowTokens: number | null;
  /** Turns kept whole: fewer when the context overflowed in the middle of a turn. */
  readonly keepTurns?: number | undefined;
}

export interface CompactionWork {
  summarise(conversation: ConversationMessage[]): Promise<SummaryAnswer>;
  store(part: CompactionPart, summary: SummaryAnswer | null): Promise<Message>;
}

/** The compaction stored, or null when there was nothing to make room with. */
export async function compact(input: CompactionInput, work: CompactionWork): Promise<Message | null> {
  const { messages } = input;
  const prunedThrough = planPrune(messages, input.keepTurns);
  const afterPrune = input.contextTokens - pruneSavings(messages, prunedThrough);
  const part = (fields: Pick<CompactionPart, "summarized_through" | "summary" | "tokens_after">): CompactionPart => ({
    type: "compaction",
    trigger: input.trigger,
    pruned_through: prunedThrough,
    tokens_before: input.contextTokens,
    ...fields,
    ...(input.instructions !== undefined && { instructions: input.instructions }),
  });
  // The provider's count less what an estimate says was taken out can undershoot (a count that
  // leaves out what estimates overcount): never below what is still sent.
  const pruneOnly = () =>
    prunedThrough === null
      ? null
      : work.store(
          part({
            summarized_through: null,
            summary: null,
            tokens_after: Math.max(afterPrune, estimateOf(toConversation(withPrune(messages, prunedThrough)))),
          }),
          null,
        );

  // Someone asked for a summary; otherwise a prune that brings the context under the threshold will do.
  if (input.trigger !== "manual" && input.targetTokens !== null && afterPrune <= input.targetTokens) return pruneOnly();
  const through = planSummary(messages, input.keepTurns);
  if (through === null) return pruneOnly();

  const older = messages.slice(0, messages.findIndex((message) => message.id === through) + 1);
  const conversation = fitted([...toConversation(withPrune(older, prunedThrough)), summaryRequest(input.instructions)], input.windowTokens);
  const answer = await work.summarise(conversation);
  if (answer.text === null || answer.text.trim() === "") return pruneOnly();
  const covered = estimateOf(older.slice(compactionView(older).from));
  const kept = estimateOf(messages.slice(older.length));
  const tokensAfter = Math.max(afterPrune - covered, kept) + estimateTextTokens(answer.text);
  return work.store(part({ summarized_through: through, summary: answer.text, tokens_after: tokensAfter }), answer);
}

/** The messages as if a prune through `through` were stored (for building the summary request). */
function withPrune(messages: readonly Message[], through: MessageId | null): readonly Message[] {
  if (through === null) return messages;
  const last = messages.at(-1);
  if (last === undefined) return messages;
  const marker: Message = {
    ...last,
    id: crypto.randomUUID() as MessageId,
    role: "compaction",
    content: [
      {
        type: "compaction",
        trigger: "auto",
        pruned_through: through,
        summarized_through: null,
        summary: null,
        tokens_before: 0,
        tokens_after: 0,
      },
    ],
  };
  return [...messages, marker];
}

/** The estimated tokens of messages (stored or as sent). */
function estimateOf(messages: readonly { readonly content: readonly ContentPart[] }[]): number {
  return messages.reduce((sum, message) => sum + estimateTokens(message.content), 0);
}

/** Tokens a prune through `through` takes out of what is sent. */
function pruneSavings(messages: readonly Message[], through: MessageId | null): number {
  if (through === null) return 0;
  const view = compactionView(messages);
  const end = messages.findIndex((message) => message.id === through);
  let saved = 0;
  for (const message of messages.slice(Math.max(view.from, view.prunedThrough + 1), end + 1)) {
    if (message.role !== "tool") continue;
    for (const part of message.content) if (part.type === "tool_result") saved += estimateTokens([part]) - estimateTokens([stubbed(part)]);
  }
  return saved;
}

/**
 * The summary request kept inside the window: the oldest exchanges go first (a previous summary,
 * which opens the conversation, stays), and the conversation still starts with a user's message.
 */
function fitted(conversation: ConversationMessage[], windowTokens: number | null): ConversationMessage[] {
  if (windowTokens === null) return conversation;
  const budget = Math.floor(windowTokens * 0.8);
  const size = (messages: readonly ConversationMessage[]) => messages.reduce((sum, message) => sum + estimateTokens(message.content), 0);
  const kept = [...conversation];
  const fixed = kept[0]?.stable === true ? 1 : 0;
  while (size(kept) > budget && kept.length > fixed + 1) {
    kept.splice(fixed, 1);
    // Never start (after the summary) with an answer or a tool result whose call is gone.
    while (kept.length > fixed + 1 && kept[fixed]?.role !== "user") kept.splice(fixed, 1);
  }
  return kept;
}
