/**
 * What the model is sent of the conversation: the stored messages in the provider-neutral shape,
 * always valid for any provider's pairing rules. Answers that failed or broke off are left out
 * (their text is kept in the record, not fed back); every tool call of an answer that is sent is
 * followed at once by exactly one result for it — the stored one, or an `interrupted` one when
 * the result was lost (a crash, a deploy, a failed write); results whose call is not sent are
 * dropped; it starts at a user's message (a history cut to its newest messages may not); and
 * consecutive messages of one role are merged, since some providers require the roles to
 * alternate. The session stores the missing results too (`unansweredCalls`), so this is the last
 * line of defence, not the record. After a compaction (compaction.ts) the summary opens the
 * conversation in place of the turns it covers, and old tool results go as short stubs.
 */
import type { ContentPart, Message, ToolCallId } from "@maestro/protocol";
import type { ConversationMessage } from "../providers/provider.ts";
import { compactionView, stubbed, summaryMessage } from "./compaction.ts";

type ToolCallPart = Extract<ContentPart, { type: "tool_call" }>;
type ToolResultPart = Extract<ContentPart, { type: "tool_result" }>;

/** What the model is told of a call that was cut off by a restart. */
export const INTERRUPTED_OUTPUT = "The call was cut off; it may or may not have run.";

export function interruptedResult(call: Pick<ToolCallPart, "call_id" | "name">): ToolResultPart {
  return { type: "tool_result", call_id: call.call_id, name: call.name, ok: false, output: INTERRUPTED_OUTPUT, error_code: "INTERRUPTED" };
}

const callsOf = (message: { readonly content: readonly ContentPart[] }): ToolCallPart[] =>
  message.content.filter((part): part is ToolCallPart => part.type === "tool_call");

/** Whether an answer is part of the conversation the model sees. */
const isSent = (message: Message) => !(message.role === "assistant" && message.status !== "complete") && message.content.length > 0;

/** Every stored result, by the call it answers (the first one wins), with its message's position. */
function resultsByCall(messages: readonly Message[]): Map<ToolCallId, { readonly part: ToolResultPart; readonly at: number }> {
  const results = new Map<ToolCallId, { part: ToolResultPart; at: number }>();
  messages.forEach((message, at) => {
    if (message.role !== "tool") return;
    for (const part of message.content)
      if (part.type === "tool_result" && !results.has(part.call_id)) results.set(part.call_id, { part, at });
  });
  return results;
}

/** Tool calls of answers the model will see again that have no stored result, each with its answer's turn. */
export function unansweredCalls(messages: readonly Message[]): { readonly call: ToolCallPart; readonly message: Message }[] {
  const results = resultsByCall(messages);
  return messages
    .filter((message) => message.role === "assistant" && isSent(message))
    .flatMap((message) => callsOf(message).flatMap((call) => (results.has(call.call_id) ? [] : [{ call, message }])));
}

export function toConversation(messages: readonly Message[]): ConversationMessage[] {
  const view = compactionView(messages);
  const results = resultsByCall(messages);
  const resultFor = (call: ToolCallPart): ToolResultPart => {
    const stored = results.get(call.call_id);
    if (stored === undefined) return interruptedResult(call);
    return stored.at <= view.prunedThrough ? stubbed(stored.part) : stored.part;
  };
  const conversation: ConversationMessage[] = view.summary === null ? [] : [summaryMessage(view.summary)];
  const push = (next: ConversationMessage) => {
    const last = conversation.at(-1);
    // The summary stays a message of its own: its end is where the cache breakpoint goes.
    if (last !== undefined && last.role === next.role && next.role !== "tool" && last.stable !== true) {
      const producedBy = mergedProducer(last, next);
      conversation[conversation.length - 1] = {
        role: last.role,
        content: [...last.content, ...next.content],
        ...(producedBy !== undefined && { producedBy }),
      };
    } else {
      conversation.push(next);
    }
  };
  // A history cut to its newest messages may begin mid-exchange: it starts at a user's message
  // (or at the summary, which is one).
  const firstUser = messages.findIndex((message, index) => index >= view.from && message.role === "user");
  const start = view.summary !== null ? view.from : firstUser === -1 ? messages.length : firstUser;
  for (const message of messages.slice(start)) {
    // Results are placed right after their calls below, wherever they were stored.
    if (message.role === "tool" || message.role === "compaction" || !isSent(message)) continue;
    push({
      role: message.role,
      content: message.content,
      // Which provider wrote an answer decides what of it another provider is sent (provider-history.ts).
      ...(message.role === "assistant" &&
        message.provider !== null && { producedBy: { provider: message.provider, credentialId: message.credential_id } }),
    });
    const calls = callsOf(message);
    if (calls.length > 0) push({ role: "tool", content: calls.map(resultFor) });
  }
  return conversation;
}

/** Two answers joined into one keep their producer only when they share it. */
function mergedProducer(a: ConversationMessage, b: ConversationMessage): ConversationMessage["producedBy"] {
  if (a.producedBy === undefined && b.producedBy === undefined) return undefined;
  const same =
    a.producedBy != null &&
    b.producedBy != null &&
    a.producedBy.provider === b.producedBy.provider &&
    a.producedBy.credentialId === b.producedBy.credentialId;
  return same ? a.producedBy : null;
}
