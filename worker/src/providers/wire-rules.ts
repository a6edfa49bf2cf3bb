/**
 * The conversation-history rules each provider API enforces on a request body, as pure checks:
 * a body in, the violations out (empty when the real API would take it), each with the message
 * the real API answers where it is known (one file per wire format in wire-rules/). Used by the
 * request builders as their pre-flight check (http.ts) and by the provider simulator, which
 * answers 400 where the real API does. Pure: no Node or workerd APIs, no I/O.
 */
import type { ProviderId } from "@maestro/protocol";
import { checkAnthropicRequest } from "./wire-rules/anthropic.ts";
import { checkChatRequest } from "./wire-rules/chat.ts";
import { checkGeminiRequest } from "./wire-rules/gemini.ts";
import { checkResponsesRequest } from "./wire-rules/responses.ts";
import type { WireChecker, WireContext } from "./wire-rules/violation.ts";

export { checkAnthropicRequest, checkChatRequest, checkGeminiRequest, checkResponsesRequest };
export type { WireChecker, WireContext, WireRule, WireViolation } from "./wire-rules/violation.ts";

/** The checker for each wire format, by endpoint (Codex speaks the Responses API). */
export const WIRE_CHECKERS = {
  anthropic: (body, _context) => checkAnthropicRequest(body),
  openai: (body, _context) => checkChatRequest(body),
  openai_responses: (body, _context) => checkResponsesRequest(body),
  codex: (body, _context) => checkResponsesRequest(body),
  gemini: (body, context) => checkGeminiRequest(body, context),
} satisfies Record<ProviderId, WireChecker>;

/** The pre-flight check of the request builders: the messages of every rule a body breaks. */
export function checkWireRequest(provider: ProviderId, body: unknown, context: WireContext): string[] {
  return WIRE_CHECKERS[provider](body, context).map((violation) => violation.message);
}
