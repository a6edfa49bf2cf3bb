/**
 * How full a session's context is (issue 12 §2): the provider's own count from the latest model
 * call (its whole input, cache included, and its answer), or a compaction's estimate after it,
 * plus an estimate for every message added since. Pure; the session keeps the number current
 * after each stored message and clients show it against the model's window.
 */
import type { Message } from "@maestro/protocol";
import { compactionOf } from "./compaction.ts";
import { contextOfUsage, estimateTokens } from "./context-estimate.ts";

export function contextTokensOf(messages: readonly Message[]): number {
  let added = 0;
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message === undefined) continue;
    const compaction = compactionOf(message);
    if (compaction !== undefined) return added + compaction.tokens_after;
    if (message.role === "assistant" && message.usage !== null) {
      // An answer that was not kept did not stay in the context, but its input was counted.
      return (
        added + (message.status === "complete" ? contextOfUsage(message.usage) : contextOfUsage({ ...message.usage, output_tokens: 0 }))
      );
    }
    if (message.role === "assistant" && message.status !== "complete") continue;
    added += estimateTokens(message.content);
  }
  return added;
}
