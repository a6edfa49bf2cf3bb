/**
 * StreamEvent: the one provider-neutral union every provider module yields and every client
 * renders (DESIGN §4). Names are snake_case noun_verb; a tool call is one `tool_call` kind with a
 * `phase`. Errors travel inside the stream as `error` events, never as thrown exceptions.
 */
import { z } from "zod";
import { ErrorCodeSchema } from "./errors.ts";
import { ProviderIdSchema, TokenUsageSchema, ToolNameSchema } from "./common.ts";
import { ToolCallIdSchema } from "./ids.ts";
import { DecidedByRuleSchema, ToolErrorCodeSchema } from "./tool-outcome.ts";

export const TextDeltaEventSchema = z.strictObject({
  type: z.literal("text_delta"),
  text: z.string(),
  /** A signature the provider put on this text and wants back with it (Gemini thoughtSignature). */
  signature: z.string().optional(),
});

export const ThinkingDeltaEventSchema = z.strictObject({
  type: z.literal("thinking_delta"),
  text: z.string(),
  /**
   * What must travel back with the thinking for the provider to accept or restore it: Anthropic's
   * signature, Gemini's thoughtSignature, OpenAI Responses' encrypted reasoning. It closes the
   * thinking part it arrives on.
   */
  signature: z.string().optional(),
  /** The provider's id of the reasoning item this belongs to (OpenAI Responses `rs_…`). */
  item_id: z.string().optional(),
  /** Starts a new thinking part (the next summary part of one reasoning item). */
  new_part: z.literal(true).optional(),
});

/** Thinking the provider encrypted and would not show; it is replayed as it came (Anthropic). */
export const RedactedThinkingEventSchema = z.strictObject({
  type: z.literal("redacted_thinking"),
  data: z.string(),
});

/** The model declining to answer, in its own words (OpenAI `refusal`). */
export const RefusalDeltaEventSchema = z.strictObject({
  type: z.literal("refusal_delta"),
  text: z.string(),
});

export const ToolCallStartEventSchema = z.strictObject({
  type: z.literal("tool_call"),
  phase: z.literal("start"),
  call_id: ToolCallIdSchema,
  name: ToolNameSchema,
});

export const ToolCallArgsDeltaEventSchema = z.strictObject({
  type: z.literal("tool_call"),
  phase: z.literal("args_delta"),
  call_id: ToolCallIdSchema,
  /** A fragment of the JSON text of the arguments, in order. */
  delta: z.string(),
});

export const ToolCallEndEventSchema = z.strictObject({
  type: z.literal("tool_call"),
  phase: z.literal("end"),
  call_id: ToolCallIdSchema,
  /** The complete, parsed arguments. */
  args: z.record(z.string(), z.unknown()),
  /**
   * The arguments exactly as the model wrote them, when that text is not `JSON.stringify(args)`
   * (spacing, key order, number spelling): it is what goes back to the provider.
   */
  args_json: z.string().optional(),
  /** Provider signature that must travel back with the call (Gemini thought signatures). */
  signature: z.string().optional(),
});

export const ToolCallEventSchema = z.discriminatedUnion("phase", [
  ToolCallStartEventSchema,
  ToolCallArgsDeltaEventSchema,
  ToolCallEndEventSchema,
]);

export const ToolProgressEventSchema = z.strictObject({
  type: z.literal("tool_progress"),
  call_id: ToolCallIdSchema,
  /** A chunk of output as it is produced (shell stdout, for example). */
  output: z.string().optional(),
  /** A short human status line ("running", "42 files scanned"). */
  status: z.string().optional(),
});

export const ToolResultEventSchema = z.strictObject({
  type: z.literal("tool_result"),
  call_id: ToolCallIdSchema,
  name: ToolNameSchema,
  ok: z.boolean(),
  output: z.string(),
  error_code: ToolErrorCodeSchema.optional(),
  /** How long the call ran, from when it was allowed to run (approval waits are not in it). */
  duration_ms: z.number().int().nonnegative(),
  /** How long it waited for someone to approve it; absent when nobody was asked. */
  wait_ms: z.number().int().nonnegative().optional(),
  /** The local agent (by its name) that ran the call; absent when it ran in the Worker or an MCP server. */
  machine: z.string().optional(),
  /** A standing rule allowed or denied the call without asking anyone. */
  decided_by_rule: DecidedByRuleSchema.optional(),
});

export const UsageEventSchema = TokenUsageSchema.extend({
  type: z.literal("usage"),
  cost_usd: z.number().nonnegative().optional(),
}).strict();

/** Why the model stopped; the vocabulary of ending, fixed here once. */
export const StopReasonSchema = z.enum([
  "end_turn",
  "tool_use",
  "max_tokens",
  "stop_sequence",
  "content_filter",
  /** The model declined (Anthropic `refusal`, an OpenAI refusal). */
  "refusal",
  "cancelled",
  "step_limit",
  "error",
  "other",
]);
export type StopReason = z.infer<typeof StopReasonSchema>;

export const StopEventSchema = z.strictObject({
  type: z.literal("stop"),
  reason: StopReasonSchema,
  /** The provider's own word for it (`end_turn`, `STOP`, `length`), for the record. */
  provider_reason: z.string().optional(),
  /** What the user should know about this ending ("the output limit was reached while…"). */
  detail: z.string().optional(),
});

export const ErrorEventSchema = z.strictObject({
  type: z.literal("error"),
  code: ErrorCodeSchema,
  message: z.string(),
  retryable: z.boolean(),
  /** When the provider said how long to wait (`retry-after`). */
  retry_after_ms: z.number().int().nonnegative().optional(),
});

/** One end of a failover: which provider and model (and credential) a turn was on. */
export const ModelTargetSchema = z.object({
  provider: ProviderIdSchema,
  model: z.string(),
  credential_id: z.string().nullable(),
});
export type ModelTarget = z.infer<typeof ModelTargetSchema>;

/**
 * The turn's model failed for good (`code`, `message`: the error that ended it, retries spent)
 * and the turn carries on with the session's next fallback, history converted to its format.
 */
export const FailoverEventSchema = z.strictObject({
  type: z.literal("failover"),
  from: ModelTargetSchema,
  to: ModelTargetSchema,
  code: ErrorCodeSchema,
  message: z.string(),
});

export const StreamEventSchema = z.discriminatedUnion("type", [
  TextDeltaEventSchema,
  ThinkingDeltaEventSchema,
  RedactedThinkingEventSchema,
  RefusalDeltaEventSchema,
  ToolCallEventSchema,
  ToolProgressEventSchema,
  ToolResultEventSchema,
  UsageEventSchema,
  StopEventSchema,
  ErrorEventSchema,
  FailoverEventSchema,
]);
export type StreamEvent = z.infer<typeof StreamEventSchema>;
export type StreamEventType = StreamEvent["type"];
