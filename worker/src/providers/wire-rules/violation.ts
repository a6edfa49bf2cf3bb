/**
 * What a wire-rule check reports, and the small readers the checks share: bodies are read
 * structurally, not through zod — a malformed body is exactly what they are asked about, and
 * indexes must stay those of the wire.
 */
export interface WireViolation {
  /** Stable name of the broken rule (tests and logs key on it, not on the text). */
  readonly rule: WireRule;
  /** What the real API answers, in its words. */
  readonly message: string;
  /** OpenAI's `param`: where in the body. */
  readonly param?: string;
  /** OpenAI's `code` (null for most history errors). */
  readonly code?: string;
}

export type WireRule =
  | "anthropic.first_message_user"
  | "anthropic.thinking_signature_missing"
  | "anthropic.thinking_signature_empty"
  | "anthropic.redacted_thinking_data_missing"
  | "anthropic.tool_use_id_duplicate"
  | "anthropic.tool_use_unanswered"
  | "anthropic.tool_result_unexpected"
  | "anthropic.thinking_block_required"
  | "anthropic.thinking_while_disabled"
  // Only the issuer can verify a signature: the simulator checks these two (its formats' verifySignatures).
  | "anthropic.thinking_signature_invalid"
  | "gemini.thought_signature_invalid"
  | "chat.arguments_not_string"
  | "chat.tool_calls_unanswered"
  | "chat.tool_message_without_call"
  | "chat.tool_call_id_unknown"
  | "responses.arguments_not_string"
  | "responses.call_id_missing"
  | "responses.reasoning_summary_missing"
  | "responses.reasoning_summary_invalid"
  | "responses.function_call_unanswered"
  | "responses.function_call_output_duplicate"
  | "responses.function_call_output_orphan"
  | "gemini.function_call_turn_position"
  | "gemini.function_response_count"
  | "gemini.function_response_mismatch"
  | "gemini.function_response_turn_position"
  | "gemini.thought_signature_missing";

export interface WireContext {
  /** The model asked for (Gemini carries it in the URL, not the body). */
  readonly model: string;
}

export type WireChecker = (body: unknown, context: WireContext) => WireViolation[];

export type Json = Record<string, unknown>;

export const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
export const recordOf = (value: unknown): Json => (isRecord(value) ? value : {});
/** An array's entries as records, keeping the wire's indexes (a non-object entry reads as {}). */
export const recordsOf = (value: unknown): Json[] => (Array.isArray(value) ? value.map(recordOf) : []);
export const stringOf = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** How OpenAI names a value's type in "expected a string, but got … instead". */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal";
  return `a ${typeof value}`;
}
