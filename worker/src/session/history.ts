/**
 * What the model is sent of the conversation: the stored messages, turned into the provider-
 * neutral shape. Answers that failed or broke off are left out (their text is kept in the
 * record, not fed back), and consecutive messages of one role are merged, since some providers
 * require the roles to alternate.
 */
import type { Message } from "@maestro/protocol";
import type { ConversationMessage } from "../providers/provider.ts";

export function toConversation(messages: readonly Message[]): ConversationMessage[] {
  const conversation: ConversationMessage[] = [];
  for (const message of messages) {
    if (message.role === "assistant" && message.status !== "complete") continue;
    if (message.content.length === 0) continue;
    const last = conversation.at(-1);
    if (last !== undefined && last.role === message.role) {
      conversation[conversation.length - 1] = { role: last.role, content: [...last.content, ...message.content] };
    } else {
      conversation.push({ role: message.role, content: message.content });
    }
  }
  return conversation;
}
