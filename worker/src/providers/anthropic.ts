/**
 * Anthropic Messages API, as llxprt sends it (fidelity REFERENCE §1): the Anthropic SDK's
 * headers in Bun's order, prompt caching with the 1 h TTL and its beta header, extended
 * thinking where the model has it. Everything the model produced goes back as it came: thinking
 * and redacted thinking with their signatures in place, tool arguments byte for byte.
 */
import type { ContentPart, StopReason, StreamEvent } from "@maestro/protocol";
import { z } from "zod";
import { findModel } from "../models/catalog.ts";
import { type HeaderList, baseUrlOf } from "./http.ts";
import { type ConversationMessage, type Provider, type ProviderRequest, toCallId } from "./provider.ts";
import { streamErrorEvent } from "./provider-error.ts";
import { RawJson } from "./raw-json.ts";
import { type ChunkMapper, isNullishString, isRecord, streamResponse, typeOf } from "./stream-driver.ts";
import type { StreamState } from "./stream-state.ts";

// ── Wire constants ─────────────────────────────────────────────────────────────────────────

const DEFAULT_BASE_URL = "https://api.anthropic.com";
const SDK_VERSION = "0.55.1";
const CACHE_CONTROL = { type: "ephemeral", ttl: "1h" } as const;

/** Header order and values of llxprt 0.11.0 (Anthropic SDK 0.55.1 under Bun), captured. */
export function anthropicHeaders(apiKey: string): HeaderList {
  return [
    ["Accept", "application/json"],
    ["Content-Type", "application/json"],
    ["User-Agent", `Anthropic/JS ${SDK_VERSION}`],
    ["X-Stainless-Arch", "x64"],
    ["X-Stainless-Lang", "js"],
    ["X-Stainless-OS", "Linux"],
    ["X-Stainless-Package-Version", SDK_VERSION],
    ["X-Stainless-Retry-Count", "0"],
    ["X-Stainless-Runtime", "node"],
    ["X-Stainless-Runtime-Version", "v24.3.0"],
    ["X-Stainless-Timeout", "600"],
    ["anthropic-beta", "extended-cache-ttl-2025-04-11"],
    ["anthropic-dangerous-direct-browser-access", "true"],
    ["anthropic-version", "2023-06-01"],
    ["x-api-key", apiKey],
  ];
}

/** What llxprt asks of a model the catalog does not know: 8192 tokens out, no thinking. */
const UNKNOWN_MODEL_MAX_TOKENS = 8192;
const THINKING_BUDGET = 10_000;

/** llxprt takes max_tokens from the model's output limit (the catalog's). */
function maxTokensFor(model: string): number {
  return findModel("anthropic", model)?.maxOutputTokens ?? UNKNOWN_MODEL_MAX_TOKENS;
}

/**
 * Extended thinking with a budget, where the model takes one. A model that only takes an effort
 * level (claude-opus-4-7 and later) gets no thinking block rather than one the API refuses.
 */
function supportsThinking(model: string): boolean {
  return findModel("anthropic", model)?.thinkingBudget === true;
}

// ── Request mapping ────────────────────────────────────────────────────────────────────────

type Block = Record<string, unknown>;

function toBlocks(message: ConversationMessage): Block[] {
  return message.content.flatMap((part: ContentPart): Block[] => {
    switch (part.type) {
      case "text":
        return part.text.length > 0 ? [{ type: "text", text: part.text }] : [];
      case "refusal":
        return part.text.length > 0 ? [{ type: "text", text: part.text }] : [];
      case "thinking":
        // A thinking block without its signature cannot be sent back; the API would refuse it.
        return part.signature === undefined || part.item_id !== undefined
          ? []
          : [{ type: "thinking", thinking: part.text, signature: part.signature }];
      case "redacted_thinking":
        // Dropping it would make the next tool step a 400: it goes back exactly where it was.
        return [{ type: "redacted_thinking", data: part.data }];
      case "tool_call":
        return [
          {
            type: "tool_use",
            id: part.call_id,
            name: part.name,
            input: part.args_json === undefined ? part.args : new RawJson(part.args_json, part.args),
          },
        ];
      case "tool_result":
        return [{ type: "tool_result", tool_use_id: part.call_id, content: part.output, ...(!part.ok && { is_error: true }) }];
      case "compaction":
        return [];
    }
  });
}

export function toAnthropicRequest(request: ProviderRequest): Record<string, unknown> {
  const messages = request.messages
    .map((message) => ({
      role: message.role === "assistant" ? "assistant" : "user",
      content: toBlocks(message),
      stable: message.stable === true,
    }))
    .filter((message) => message.content.length > 0);
  // llxprt marks the last non-thinking block of the last message as a cache breakpoint; a stable
  // prefix (a compaction's summary) gets one too, so it is written to the cache once.
  const markEnd = (blocks: Block[] | undefined) => {
    const breakpoint = blocks?.findLast((block) => block.type !== "thinking" && block.type !== "redacted_thinking");
    if (breakpoint !== undefined) breakpoint.cache_control = CACHE_CONTROL;
  };
  markEnd(messages.findLast((message) => message.stable)?.content);
  markEnd(messages.at(-1)?.content);
  // Top-level keys in llxprt's order: model, messages, max_tokens, stream, system, tools, thinking.
  return {
    model: request.model,
    messages: messages.map(({ role, content }) => ({ role, content })),
    max_tokens: maxTokensFor(request.model),
    stream: true,
    ...(request.system !== null && { system: [{ type: "text", text: request.system, cache_control: CACHE_CONTROL }] }),
    ...(request.tools.length > 0 && {
      tools: request.tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.inputSchema })),
    }),
    ...(supportsThinking(request.model) &&
      !openLoopWithoutThinking(messages) && { thinking: { type: "enabled", budget_tokens: THINKING_BUDGET } }),
  };
}

/**
 * With thinking on, the API refuses a tool loop whose last answer does not open with thinking.
 * That happens only when another provider wrote that answer (a failover mid-loop: its thinking
 * cannot come along), and then this request goes without thinking, as a model switch mid-loop
 * does in Claude Code; the next user message starts a loop with thinking again.
 */
function openLoopWithoutThinking(messages: readonly { role: string; content: Block[] }[]): boolean {
  const last = messages.at(-1);
  if (last?.role !== "user" || last.content[0]?.type !== "tool_result") return false;
  const first = messages.findLast((message) => message.role === "assistant")?.content[0];
  return first !== undefined && first.type !== "thinking" && first.type !== "redacted_thinking";
}

// ── Upstream schemas ───────────────────────────────────────────────────────────────────────

const UsageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});

const ChunkSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("message_start"), message: z.looseObject({ usage: UsageSchema.nullish() }) }),
  z.looseObject({
    type: z.literal("content_block_start"),
    index: z.number(),
    content_block: z.looseObject({
      type: z.string(),
      id: z.string().nullish(),
      name: z.string().nullish(),
      text: z.string().nullish(),
      thinking: z.string().nullish(),
      signature: z.string().nullish(),
      data: z.string().nullish(),
    }),
  }),
  z.looseObject({
    type: z.literal("content_block_delta"),
    index: z.number(),
    delta: z.looseObject({
      type: z.string(),
      text: z.string().nullish(),
      thinking: z.string().nullish(),
      signature: z.string().nullish(),
      partial_json: z.string().nullish(),
    }),
  }),
  z.looseObject({ type: z.literal("content_block_stop"), index: z.number() }),
  z.looseObject({
    type: z.literal("message_delta"),
    delta: z.looseObject({ stop_reason: z.string().nullish() }),
    usage: UsageSchema.nullish(),
  }),
  z.looseObject({ type: z.literal("message_stop") }),
  z.looseObject({ type: z.literal("ping") }),
  z.looseObject({ type: z.literal("error"), error: z.unknown() }),
]);
type Chunk = z.infer<typeof ChunkSchema>;

const KNOWN_TYPES: ReadonlySet<string> = new Set(ChunkSchema.options.map((option) => option.shape.type.value));

// ── Stream mapping ─────────────────────────────────────────────────────────────────────────

const anthropicChunks: ChunkMapper<Chunk> = {
  schema: ChunkSchema,
  completion: "terminal",
  // Event types added after this code was written are skipped; malformed known ones are not.
  isUnknown: (value) => {
    const type = typeOf(value);
    return type !== undefined && !KNOWN_TYPES.has(type);
  },
  quick: quickTextDelta,
  map: mapChunk,
};

/** A content_block_delta carrying text, as the schema would accept it (see ChunkMapper.quick). */
function quickTextDelta(value: unknown): Chunk | undefined {
  if (!isRecord(value) || value.type !== "content_block_delta" || typeof value.index !== "number") return undefined;
  const delta = value.delta;
  if (!isRecord(delta) || delta.type !== "text_delta" || typeof delta.text !== "string") return undefined;
  if (!isNullishString(delta.thinking) || !isNullishString(delta.signature) || !isNullishString(delta.partial_json)) return undefined;
  return value as Chunk;
}

function* mapChunk(chunk: Chunk, state: StreamState): Generator<StreamEvent> {
  switch (chunk.type) {
    case "message_start":
      readUsage(state, chunk.message.usage);
      break;
    case "content_block_start":
      yield* startBlock(chunk.index, chunk.content_block, state);
      break;
    case "content_block_delta":
      yield* mapDelta(chunk.index, chunk.delta, state);
      break;
    case "content_block_stop":
      yield* state.closeCall(String(chunk.index));
      break;
    case "message_delta":
      // Newer API versions report every count here, cache tokens included; each one present wins.
      readUsage(state, chunk.usage);
      if (chunk.delta.stop_reason != null) state.stopWith(mapAnthropicStopReason(chunk.delta.stop_reason), chunk.delta.stop_reason);
      break;
    case "message_stop":
      state.markTerminal();
      break;
    case "ping":
      break;
    case "error":
      state.fail(streamErrorEvent("anthropic", chunk));
      break;
  }
}

function* startBlock(
  index: number,
  block: Extract<Chunk, { type: "content_block_start" }>["content_block"],
  state: StreamState,
): Generator<StreamEvent> {
  switch (block.type) {
    case "tool_use":
      yield* state.openCall(String(index), { id: toCallId(block.id, `toolu_local_${index}`), name: block.name ?? "unknown" });
      break;
    case "redacted_thinking":
      if (block.data) yield { type: "redacted_thinking", data: block.data };
      break;
    case "thinking":
      if (block.thinking) yield { type: "thinking_delta", text: block.thinking };
      break;
    case "text":
      if (block.text) yield { type: "text_delta", text: block.text };
      break;
  }
}

function* mapDelta(
  index: number,
  delta: Extract<Chunk, { type: "content_block_delta" }>["delta"],
  state: StreamState,
): Generator<StreamEvent> {
  if (delta.type === "text_delta" && delta.text) yield { type: "text_delta", text: delta.text };
  else if (delta.type === "thinking_delta" && delta.thinking) yield { type: "thinking_delta", text: delta.thinking };
  else if (delta.type === "signature_delta" && delta.signature) yield { type: "thinking_delta", text: "", signature: delta.signature };
  else if (delta.type === "input_json_delta" && delta.partial_json) yield* state.appendArgs(String(index), delta.partial_json);
}

function readUsage(state: StreamState, usage: z.infer<typeof UsageSchema> | null | undefined): void {
  if (!usage) return;
  state.usage({
    input: usage.input_tokens,
    output: usage.output_tokens,
    cacheRead: usage.cache_read_input_tokens,
    cacheWrite: usage.cache_creation_input_tokens,
  });
}

// ── Stop reason ────────────────────────────────────────────────────────────────────────────

export function mapAnthropicStopReason(reason: string | null | undefined): StopReason {
  switch (reason) {
    case "end_turn":
    case "tool_use":
    case "max_tokens":
    case "stop_sequence":
    case "refusal":
      return reason;
    case "model_context_window_exceeded":
      return "max_tokens";
    default:
      return "other";
  }
}

// ── Provider ───────────────────────────────────────────────────────────────────────────────

export const anthropic = {
  id: "anthropic",
  probeModel: "claude-haiku-4-5",
  stream: (request, context) =>
    streamResponse(
      "anthropic",
      context,
      {
        url: `${baseUrlOf(context, DEFAULT_BASE_URL)}/v1/messages`,
        model: request.model,
        headers: anthropicHeaders(context.credential.apiKey),
        body: toAnthropicRequest(request),
        secretHeaders: ["x-api-key"],
      },
      anthropicChunks,
    ),
} satisfies Provider;
