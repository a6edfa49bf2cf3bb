/**
 * The conversation as one provider may be sent it, after a failover put answers of several
 * providers in one history (provider-neutral, before any adapter sees it). Each answer is tagged
 * with the provider and credential that produced it (`producedBy`); for every answer another
 * provider produced — or the same provider on another credential, since encrypted reasoning and
 * signatures are bound to the account that received them (an OpenAI organisation, say):
 *
 * - thinking and redacted thinking are dropped (their signatures vouch to their own provider only,
 *   and no provider takes another's thinking as thinking);
 * - signatures on text and tool calls are removed (Gemini thoughtSignature and the like);
 * - tool calls and their results stay, with ids another provider could refuse (Anthropic takes
 *   `[A-Za-z0-9_-]`, OpenAI Chat at most 40 characters) replaced by a stable id of that form, in
 *   the call and in its result alike, so every request of a session spells them the same way.
 *
 * An answer of the target itself, or one whose producer is not recorded, goes as it is; one whose
 * credential was not recorded (stored before it was) is judged by its provider alone.
 */
import type { ContentPart, ToolCallId } from "@maestro/protocol";
import { ToolCallIdSchema } from "@maestro/protocol";
import type { ConversationMessage, Producer } from "../providers/provider.ts";

/** An id every provider's API takes as a tool call id. */
const PORTABLE_ID = /^[A-Za-z0-9_-]{1,40}$/;

/** FNV-1a: a stable, short digest for rewritten ids (not a security boundary). */
function fnv1a(text: string, seed = 0x811c9dc5): string {
  let hash = seed;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** The same id in every request: a cache-friendly, collision-unlikely stand-in (`call_` + 16 hex). */
export function portableCallId(id: string): ToolCallId {
  if (PORTABLE_ID.test(id)) return ToolCallIdSchema.parse(id);
  return ToolCallIdSchema.parse(`call_${fnv1a(id)}${fnv1a(id, 0x01000193)}`);
}

/** Whether an answer tagged `producedBy` must be cleaned before `target` sees it. */
function isForeign(message: ConversationMessage, target: Producer): boolean {
  if (message.role !== "assistant" || message.producedBy === undefined) return false;
  // `null`: merged from answers of different producers, so foreign to every one of them.
  if (message.producedBy === null || message.producedBy.provider !== target.provider) return true;
  const { credentialId } = message.producedBy;
  return credentialId !== null && target.credentialId !== null && credentialId !== target.credentialId;
}

function cleanPart(part: ContentPart, ids: Map<string, ToolCallId>): ContentPart[] {
  switch (part.type) {
    case "thinking":
    case "redacted_thinking":
      return [];
    case "text": {
      const { signature: _signature, ...text } = part;
      return [text];
    }
    case "tool_call": {
      const { signature: _signature, ...call } = part;
      const callId = portableCallId(part.call_id);
      if (callId !== part.call_id) ids.set(part.call_id, callId);
      return [{ ...call, call_id: callId }];
    }
    case "refusal":
    case "tool_result":
    case "compaction":
      return [part];
  }
}

export function historyFor(messages: readonly ConversationMessage[], target: Producer): ConversationMessage[] {
  if (!messages.some((message) => isForeign(message, target))) return [...messages];
  const ids = new Map<string, ToolCallId>();
  const cleaned = messages.map((message): ConversationMessage => {
    if (!isForeign(message, target)) return message;
    return { ...message, content: message.content.flatMap((part) => cleanPart(part, ids)) };
  });
  const renamed = cleaned.map((message): ConversationMessage => {
    if (message.role !== "tool" || ids.size === 0) return message;
    return {
      ...message,
      content: message.content.map((part) => {
        const callId = part.type === "tool_result" ? ids.get(part.call_id) : undefined;
        return callId === undefined ? part : { ...part, call_id: callId };
      }),
    };
  });
  // An answer that was only thinking is empty now: it goes, and the turns around it join up again.
  const result: ConversationMessage[] = [];
  for (const message of renamed) {
    if (message.content.length === 0) continue;
    const last = result.at(-1);
    if (last !== undefined && last.role === message.role && message.role !== "tool" && last.stable !== true) {
      result[result.length - 1] = { ...last, content: [...last.content, ...message.content] };
    } else {
      result.push(message);
    }
  }
  return result;
}
