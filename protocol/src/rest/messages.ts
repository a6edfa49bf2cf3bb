/**
 * Messages of a session: what the user said, what the model answered (with its tool calls and
 * their results), and what each answer cost. Content is a list of typed parts.
 */
import { z } from "zod";
import { ProviderIdSchema, TimestampSchema, TokenUsageSchema, ToolNameSchema } from "../common.ts";
import {
  ConversationIdSchema,
  CredentialIdSchema,
  MessageIdSchema,
  RequestIdSchema,
  SessionIdSchema,
  ToolCallIdSchema,
  TurnIdSchema,
} from "../ids.ts";
import { StopReasonSchema } from "../stream-event.ts";
import { DecidedByRuleSchema, ToolErrorCodeSchema } from "../tool-outcome.ts";

export const TextPartSchema = z.object({
  type: z.literal("text"),
  text: z.string(),
  /** A provider signature carried by this text (Gemini thoughtSignature), sent back with it. */
  signature: z.string().optional(),
});
export const ThinkingPartSchema = z.object({
  type: z.literal("thinking"),
  text: z.string(),
  /** Anthropic's signature, Gemini's thoughtSignature or OpenAI Responses' encrypted reasoning. */
  signature: z.string().optional(),
  /** OpenAI Responses: the reasoning item this summary part belongs to. */
  item_id: z.string().optional(),
});
/** Thinking the provider encrypted (Anthropic `redacted_thinking`): kept, never shown, replayed in place. */
export const RedactedThinkingPartSchema = z.object({ type: z.literal("redacted_thinking"), data: z.string() });
/** The model declining to answer (an OpenAI refusal). */
export const RefusalPartSchema = z.object({ type: z.literal("refusal"), text: z.string() });
export const ToolCallPartSchema = z.object({
  type: z.literal("tool_call"),
  call_id: ToolCallIdSchema,
  name: ToolNameSchema,
  args: z.record(z.string(), z.unknown()),
  /** The arguments exactly as the model wrote them, when that differs from `JSON.stringify(args)`. */
  args_json: z.string().optional(),
  signature: z.string().optional(),
});
/**
 * A compaction: where the session made room in the model's context. The full record stays stored;
 * what changes is what later requests send — tool results up to `pruned_through` as short stubs,
 * and the messages up to `summarized_through` replaced by `summary`.
 */
export const CompactionPartSchema = z.object({
  type: z.literal("compaction"),
  /** `auto`: the context passed the threshold; `manual`: someone asked; `overflow`: the provider said it was too long. */
  trigger: z.enum(["auto", "manual", "overflow"]),
  pruned_through: MessageIdSchema.nullable(),
  summarized_through: MessageIdSchema.nullable(),
  summary: z.string().nullable(),
  /** The context's estimated size before and after. */
  tokens_before: z.number().int().nonnegative(),
  tokens_after: z.number().int().nonnegative(),
  /** What the person asked the summary to keep (manual compaction). */
  instructions: z.string().optional(),
});

export const ToolResultPartSchema = z.object({
  type: z.literal("tool_result"),
  call_id: ToolCallIdSchema,
  name: ToolNameSchema,
  ok: z.boolean(),
  output: z.string(),
  error_code: ToolErrorCodeSchema.optional(),
  /** How long the call took; absent on results stored before it was recorded. */
  duration_ms: z.number().int().nonnegative().optional(),
  /** How long the call waited for an approval before it ran (or was denied). */
  wait_ms: z.number().int().nonnegative().optional(),
  /** The local agent (by its name) that ran the call; absent when it ran elsewhere or before this was recorded. */
  machine: z.string().optional(),
  /** A standing rule allowed or denied the call without asking anyone. */
  decided_by_rule: DecidedByRuleSchema.optional(),
});

export const ContentPartSchema = z.discriminatedUnion("type", [
  TextPartSchema,
  ThinkingPartSchema,
  RedactedThinkingPartSchema,
  RefusalPartSchema,
  ToolCallPartSchema,
  ToolResultPartSchema,
  CompactionPartSchema,
]);
export type ContentPart = z.infer<typeof ContentPartSchema>;

/** `compaction`: a boundary the session drew to make room in the model's context (see CompactionPartSchema). */
export const MessageRoleSchema = z.enum(["user", "assistant", "tool", "compaction"]);
export type MessageRole = z.infer<typeof MessageRoleSchema>;

/** `partial`: the stream broke after output reached a client; `error`: nothing usable came back. */
export const MessageStatusSchema = z.enum(["complete", "partial", "error"]);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

export const MessageSchema = z.object({
  id: MessageIdSchema,
  session_id: SessionIdSchema,
  conversation_id: ConversationIdSchema,
  /**
   * The message this one follows in its branch (null: the conversation's first). Messages form a
   * tree: editing a message or regenerating an answer starts a branch beside the old one.
   */
  parent_id: MessageIdSchema.nullable(),
  /**
   * This message and its alternatives (same parent, same role), oldest first, when it has any:
   * what a client shows as "‹ 2 / 3 ›". Sent on the branch's messages in snapshots, pages and
   * `branch` frames, and on the first message of a new branch.
   */
  siblings: z.array(MessageIdSchema).min(2).optional(),
  turn_id: TurnIdSchema.nullable(),
  role: MessageRoleSchema,
  content: z.array(ContentPartSchema),
  status: MessageStatusSchema,
  /** Which provider, model and credential produced an answer (after a failover, not the session's own). */
  provider: ProviderIdSchema.nullable(),
  model: z.string().nullable(),
  credential_id: CredentialIdSchema.nullable().default(null),
  usage: TokenUsageSchema.nullable(),
  cost_usd: z.number().nonnegative().nullable(),
  latency_ms: z.number().int().nonnegative().nullable(),
  time_to_first_token_ms: z.number().int().nonnegative().nullable(),
  stop_reason: StopReasonSchema.nullable(),
  error: z.string().nullable(),
  created_at: TimestampSchema,
});
export type Message = z.infer<typeof MessageSchema>;

export const MAX_MESSAGE_TEXT = 200_000;

export const SendMessageBodySchema = z.strictObject({
  text: z.string().trim().min(1, "text must not be empty").max(MAX_MESSAGE_TEXT),
  /** The client's own id for this send: echoed on the user's `message` frame, the `turn_end` and a queued entry. */
  request_id: RequestIdSchema.optional(),
});
export type SendMessageBody = z.infer<typeof SendMessageBodySchema>;

export const SendMessageQuerySchema = z.strictObject({
  /** Answer when the turn has ended, with its final assistant message. */
  wait: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
});
export type SendMessageQuery = z.infer<typeof SendMessageQuerySchema>;

/** The answer of `?wait=true`: how the turn ended and what the model finally said. */
export const TurnResultSchema = z.object({
  turn_id: TurnIdSchema,
  status: z.enum(["completed", "cancelled", "failed", "interrupted"]),
  message: MessageSchema.nullable(),
  /** The request id of the send that started this turn, if it gave one. */
  request_id: RequestIdSchema.nullable().optional(),
});
export type TurnResult = z.infer<typeof TurnResultSchema>;

export const SendMessageAcceptedSchema = z.object({
  turn_id: TurnIdSchema,
  message_id: MessageIdSchema,
  request_id: RequestIdSchema.nullable().optional(),
});
export type SendMessageAccepted = z.infer<typeof SendMessageAcceptedSchema>;

export const ListMessagesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Id of the oldest message already seen; the page holds the messages before it. */
  before: MessageIdSchema.optional(),
  /**
   * Only messages whose words contain this (case-insensitive): what was said, the thinking shown,
   * tool names, arguments and outputs, and compaction summaries.
   */
  q: z.string().trim().min(1, "q must not be empty").max(200).optional(),
});
export type ListMessagesQuery = z.infer<typeof ListMessagesQuerySchema>;

/** Newest first; `next_before` is the cursor for the next (older) page, or null at the start. */
export const MessagePageSchema = z.object({
  data: z.array(MessageSchema),
  next_before: MessageIdSchema.nullable(),
});
export type MessagePage = z.infer<typeof MessagePageSchema>;

export const CancelResultSchema = z.object({
  /** The turn that was stopped, or null when none was running. */
  turn_id: TurnIdSchema.nullable(),
  cancelled: z.boolean(),
});
export type CancelResult = z.infer<typeof CancelResultSchema>;

export const RetryAcceptedSchema = z.object({ turn_id: TurnIdSchema });

export const CompactBodySchema = z.strictObject({
  /** What the summary must keep ("the API design decisions", "the failing test names"). */
  instructions: z.string().trim().min(1).max(4000).optional(),
});
export type CompactBody = z.infer<typeof CompactBodySchema>;

/** The compaction stored, or null when there was nothing to compact (a short conversation). */
/** The compaction message stored (there is none when nothing could be compacted: NOTHING_TO_COMPACT). */
export const CompactResultSchema = z.object({ message: MessageSchema });
export type CompactResult = z.infer<typeof CompactResultSchema>;
export type RetryAccepted = z.infer<typeof RetryAcceptedSchema>;
