/**
 * Anthropic Messages API, as llxprt sends it (fidelity REFERENCE §1): the Anthropic SDK's
 * headers in Bun's order, prompt caching with the 1 h TTL and its beta header, extended
 * thinking where the model has it. Streams map onto StreamEvents.
 */
import type { ContentPart, StopReason, StreamEvent, ToolCallId } from "@maestro/protocol";
import { z } from "zod";
import type { HeaderList } from "./http.ts";
import { baseUrlOf, SseJson, streamRequest } from "./http.ts";
import { type ConversationMessage, type Provider, type ProviderContext, type ProviderRequest, toCallId } from "./provider.ts";
import { interruptedEvent, protocolErrorEvent, streamErrorEvent } from "./provider-error.ts";
import { parseJsonObject } from "./sse.ts";

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

/** llxprt takes max_tokens from the model's output limit. */
function maxTokensFor(model: string): number {
  if (/claude-(sonnet-4|haiku-4-5|opus-4-5|3-7-sonnet)/.test(model)) return 64_000;
  if (/claude-opus-4/.test(model)) return 32_000;
  return 8192;
}

function supportsThinking(model: string): boolean {
  return /claude-(sonnet-4|opus-4|haiku-4-5|3-7-sonnet)/.test(model);
}

// ── Request mapping ────────────────────────────────────────────────────────────────────────

type Block = Record<string, unknown>;

function toBlocks(message: ConversationMessage): Block[] {
  return message.content.flatMap((part: ContentPart): Block[] => {
    switch (part.type) {
      case "text":
        return part.text.length > 0 ? [{ type: "text", text: part.text }] : [];
      case "thinking":
        // A thinking block without its signature cannot be sent back; the API would refuse it.
        return part.signature === undefined ? [] : [{ type: "thinking", thinking: part.text, signature: part.signature }];
      case "tool_call":
        return [{ type: "tool_use", id: part.call_id, name: part.name, input: part.args }];
      case "tool_result":
        return [{ type: "tool_result", tool_use_id: part.call_id, content: part.output, ...(!part.ok && { is_error: true }) }];
    }
  });
}

export function toAnthropicRequest(request: ProviderRequest): Record<string, unknown> {
  const messages = request.messages
    .map((message) => ({ role: message.role === "assistant" ? "assistant" : "user", content: toBlocks(message) }))
    .filter((message) => message.content.length > 0);
  // llxprt marks the last non-thinking block of the last message as a cache breakpoint.
  const last = messages.at(-1)?.content;
  const breakpoint = last?.findLast((block) => block.type !== "thinking");
  if (breakpoint !== undefined) breakpoint.cache_control = CACHE_CONTROL;
  // Top-level keys in llxprt's order: model, messages, max_tokens, stream, system, tools, thinking.
  return {
    model: request.model,
    messages,
    max_tokens: maxTokensFor(request.model),
    stream: true,
    ...(request.system !== null && { system: [{ type: "text", text: request.system, cache_control: CACHE_CONTROL }] }),
    ...(request.tools.length > 0 && {
      tools: request.tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.inputSchema })),
    }),
    ...(supportsThinking(request.model) && { thinking: { type: "enabled", budget_tokens: 10_000 } }),
  };
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
    content_block: z.looseObject({ type: z.string(), id: z.string().nullish(), name: z.string().nullish() }),
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

// ── Stream mapping ─────────────────────────────────────────────────────────────────────────

interface OpenToolCall {
  readonly id: ToolCallId;
  json: string;
}

async function* toStreamEvents(body: ReadableStream<Uint8Array>, context: ProviderContext): AsyncGenerator<StreamEvent> {
  const toolCalls = new Map<number, OpenToolCall>();
  const usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  let stopReason: string | null | undefined;
  const stream = new SseJson("anthropic", context, body);
  for await (const item of stream) {
    const parsed = ChunkSchema.safeParse(item.value);
    if (!parsed.success) {
      // Event types added after this code was written are skipped, malformed known ones are not.
      const type = (item.value as { type?: unknown } | null)?.type;
      if (typeof type === "string" && !ChunkSchema.options.some((option) => option.shape.type.value === type)) continue;
      yield protocolErrorEvent("anthropic", `a malformed ${typeof type === "string" ? type : "chunk"}`);
      return;
    }
    const chunk = parsed.data;
    switch (chunk.type) {
      case "message_start":
        addUsage(usage, chunk.message.usage);
        break;
      case "content_block_start":
        if (chunk.content_block.type === "tool_use") {
          const id = toCallId(chunk.content_block.id, `toolu_local_${chunk.index}`);
          toolCalls.set(chunk.index, { id, json: "" });
          yield { type: "tool_call", phase: "start", call_id: id, name: chunk.content_block.name ?? "unknown" };
        }
        break;
      case "content_block_delta":
        yield* mapDelta(chunk.delta, toolCalls.get(chunk.index));
        break;
      case "content_block_stop": {
        const call = toolCalls.get(chunk.index);
        if (call === undefined) break;
        toolCalls.delete(chunk.index);
        const args = parseJsonObject(call.json);
        if (args === undefined) {
          yield protocolErrorEvent("anthropic", "tool arguments that are not a JSON object");
          return;
        }
        yield { type: "tool_call", phase: "end", call_id: call.id, args };
        break;
      }
      case "message_delta":
        stopReason = chunk.delta.stop_reason ?? stopReason;
        if (chunk.usage) usage.output = chunk.usage.output_tokens ?? usage.output;
        break;
      case "message_stop":
        yield usageEvent(usage);
        yield { type: "stop", reason: mapAnthropicStopReason(stopReason), ...(stopReason != null && { provider_reason: stopReason }) };
        return;
      case "ping":
        break;
      case "error": {
        yield streamErrorEvent("anthropic", chunk);
        return;
      }
    }
  }
  if (yield* stream.endedEarly()) return;
  // The body ended (or said [DONE]) without message_stop: the answer is incomplete.
  yield interruptedEvent("anthropic");
}

function* mapDelta(
  delta: { type: string; text?: string | null; thinking?: string | null; signature?: string | null; partial_json?: string | null },
  call: OpenToolCall | undefined,
): Generator<StreamEvent> {
  if (delta.type === "text_delta" && delta.text) yield { type: "text_delta", text: delta.text };
  else if (delta.type === "thinking_delta" && delta.thinking) yield { type: "thinking_delta", text: delta.thinking };
  else if (delta.type === "signature_delta" && delta.signature) yield { type: "thinking_delta", text: "", signature: delta.signature };
  else if (delta.type === "input_json_delta" && call !== undefined && delta.partial_json) {
    call.json += delta.partial_json;
    yield { type: "tool_call", phase: "args_delta", call_id: call.id, delta: delta.partial_json };
  }
}

// ── Stop reason / usage ────────────────────────────────────────────────────────────────────

export function mapAnthropicStopReason(reason: string | null | undefined): StopReason {
  switch (reason) {
    case "end_turn":
    case "tool_use":
    case "max_tokens":
    case "stop_sequence":
      return reason;
    case "refusal":
      return "content_filter";
    default:
      return "other";
  }
}

function addUsage(
  total: { input: number; output: number; cacheRead: number; cacheWrite: number },
  usage: z.infer<typeof UsageSchema> | null | undefined,
) {
  if (!usage) return;
  total.input = usage.input_tokens ?? total.input;
  total.output = usage.output_tokens ?? total.output;
  total.cacheRead = usage.cache_read_input_tokens ?? total.cacheRead;
  total.cacheWrite = usage.cache_creation_input_tokens ?? total.cacheWrite;
}

function usageEvent(usage: { input: number; output: number; cacheRead: number; cacheWrite: number }): StreamEvent {
  return {
    type: "usage",
    input_tokens: usage.input,
    output_tokens: usage.output,
    cache_read_tokens: usage.cacheRead,
    cache_write_tokens: usage.cacheWrite,
  };
}

// ── Provider ───────────────────────────────────────────────────────────────────────────────

export const anthropic = {
  id: "anthropic",
  probeModel: "claude-haiku-4-5",
  stream: (request, context) =>
    streamRequest(
      "anthropic",
      context,
      {
        url: `${baseUrlOf(context, DEFAULT_BASE_URL)}/v1/messages`,
        headers: anthropicHeaders(context.credential.apiKey),
        body: toAnthropicRequest(request),
        secretHeaders: ["x-api-key"],
      },
      toStreamEvents,
    ),
} satisfies Provider;
