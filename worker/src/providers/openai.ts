/**
 * OpenAI Chat Completions, as llxprt sends it (fidelity REFERENCE §3a): the OpenAI SDK's headers
 * in Bun's order. Also every OpenAI-compatible server (vLLM, Ollama, OpenRouter…) through a
 * credential's base_url; their `reasoning_content` deltas become thinking, and tool-call deltas
 * without an `index` (Google's OpenAI endpoint) are followed by id.
 */
import type { ContentPart, StopReason } from "@maestro/protocol";
import { z } from "zod";
import { type HeaderList, baseUrlOf } from "./http.ts";
import { type Provider, type ProviderRequest, toCallId } from "./provider.ts";
import { streamErrorEvent } from "./provider-error.ts";
import { type ChunkMapper, isNullishString, isRecord, streamResponse } from "./stream-driver.ts";
import type { StreamState } from "./stream-state.ts";

// ── Wire constants ─────────────────────────────────────────────────────────────────────────

const DEFAULT_BASE_URL = "https://api.openai.com/v1";
const SDK_VERSION = "5.23.2";

/** Header order and values of llxprt 0.11.0 (OpenAI SDK 5.23.2 under Bun), captured. */
export function openaiHeaders(apiKey: string): HeaderList {
  return [
    ["Accept", "application/json"],
    ["Authorization", `Bearer ${apiKey}`],
    ["Content-Type", "application/json"],
    ["User-Agent", `OpenAI/JS ${SDK_VERSION}`],
    ["X-Stainless-Arch", "x64"],
    ["X-Stainless-Lang", "js"],
    ["X-Stainless-OS", "Linux"],
    ["X-Stainless-Package-Version", SDK_VERSION],
    ["X-Stainless-Retry-Count", "0"],
    ["X-Stainless-Runtime", "node"],
    ["X-Stainless-Runtime-Version", "v24.3.0"],
  ];
}

// ── Request mapping ────────────────────────────────────────────────────────────────────────

type ChatMessage = Record<string, unknown>;

const textOf = (parts: readonly ContentPart[], type: "text" | "refusal" = "text") =>
  parts.flatMap((part) => (part.type === type ? [part.text] : [])).join("");

export function toOpenAIRequest(request: ProviderRequest): Record<string, unknown> {
  const messages: ChatMessage[] = request.system === null ? [] : [{ role: "system", content: request.system }];
  for (const message of request.messages) {
    if (message.role === "user") {
      messages.push({ role: "user", content: textOf(message.content) });
    } else if (message.role === "assistant") {
      const calls = message.content.flatMap((part) =>
        part.type === "tool_call"
          ? [{ id: part.call_id, type: "function", function: { name: part.name, arguments: part.args_json ?? JSON.stringify(part.args) } }]
          : [],
      );
      const text = textOf(message.content);
      const refusal = textOf(message.content, "refusal");
      messages.push({
        role: "assistant",
        content: text.length > 0 ? text : null,
        ...(refusal.length > 0 && { refusal }),
        ...(calls.length > 0 && { tool_calls: calls }),
      });
    } else {
      for (const part of message.content) {
        if (part.type === "tool_result") messages.push({ role: "tool", tool_call_id: part.call_id, content: part.output });
      }
    }
  }
  const hasTools = request.tools.length > 0;
  // Top-level keys in llxprt's order: model, messages, stream, tools, tool_choice, stream_options.
  return {
    model: request.model,
    messages,
    stream: true,
    ...(hasTools && {
      tools: request.tools.map((tool) => ({
        type: "function",
        function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
      })),
      tool_choice: "auto",
    }),
    stream_options: { include_usage: true },
  };
}

// ── Upstream schemas ───────────────────────────────────────────────────────────────────────

const ToolCallDeltaSchema = z.looseObject({
  // Google's OpenAI-compatible endpoint leaves it out and sends each call whole.
  index: z.number().nullish(),
  id: z.string().nullish(),
  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

const ChunkSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        delta: z
          .looseObject({
            content: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            refusal: z.string().nullish(),
            tool_calls: z.array(ToolCallDeltaSchema).nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: z
    .looseObject({
      prompt_tokens: z.number().nullish(),
      completion_tokens: z.number().nullish(),
      prompt_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
      // OpenAI-compatible servers report cache hits under other names (llxprt cacheMetricsExtractor).
      cache_read_input_tokens: z.number().nullish(),
      prompt_cache_hit_tokens: z.number().nullish(),
    })
    .nullish(),
  error: z.unknown().optional(),
});
type Chunk = z.infer<typeof ChunkSchema>;

// ── Stream mapping ─────────────────────────────────────────────────────────────────────────

/**
 * A chunk with one choice whose delta is text (content, reasoning or refusal) and nothing else
 * the schema checks — no tool calls, usage or error — as the schema would accept it (see
 * ChunkMapper.quick).
 */
function quickContentDelta(value: unknown): Chunk | undefined {
  if (!isRecord(value) || value.error !== undefined || (value.usage !== undefined && value.usage !== null)) return undefined;
  const choices = value.choices;
  if (!Array.isArray(choices) || choices.length !== 1) return undefined;
  const choice: unknown = choices[0];
  if (!isRecord(choice) || !isNullishString(choice.finish_reason)) return undefined;
  const delta = choice.delta;
  if (!isRecord(delta) || (delta.tool_calls !== undefined && delta.tool_calls !== null)) return undefined;
  if (!isNullishString(delta.content) || !isNullishString(delta.reasoning_content) || !isNullishString(delta.refusal)) return undefined;
  return value;
}

/** One response's mapper: it remembers which call an index-less delta continues, and any refusal. */
function chatChunks(): ChunkMapper<Chunk> {
  let lastKey: string | undefined;
  let refused = false;
  const keyOf = (delta: z.infer<typeof ToolCallDeltaSchema>, position: number): string => {
    if (delta.index != null) return `i${delta.index}`;
    if (delta.id) return `id:${delta.id}`;
    return lastKey ?? `p${position}`;
  };
  return {
    schema: ChunkSchema,
    completion: "stop_or_done",
    quick: quickContentDelta,
    *map(chunk, state) {
      if (chunk.error !== undefined && chunk.error !== null) {
        state.fail(streamErrorEvent("openai", chunk));
        return;
      }
      if (chunk.usage) readUsage(state, chunk.usage);
      const choice = chunk.choices?.[0];
      if (choice === undefined) return;
      const delta = choice.delta;
      if (delta?.reasoning_content) yield { type: "thinking_delta", text: delta.reasoning_content };
      if (delta?.content) yield { type: "text_delta", text: delta.content };
      if (delta?.refusal) {
        refused = true;
        yield { type: "refusal_delta", text: delta.refusal };
      }
      for (const [position, call] of (delta?.tool_calls ?? []).entries()) {
        const key = keyOf(call, position);
        lastKey = key;
        yield* state.openCall(key, { id: toCallId(call.id, `call_local_${key}`), name: undefined });
        if (call.function?.name) yield* state.nameCall(key, call.function.name);
        if (call.function?.arguments) yield* state.appendArgs(key, call.function.arguments);
      }
      if (choice.finish_reason) {
        const reason = refused && choice.finish_reason === "stop" ? "refusal" : mapOpenAIStopReason(choice.finish_reason);
        state.stopWith(reason, choice.finish_reason);
      }
    },
  };
}

function readUsage(state: StreamState, usage: NonNullable<Chunk["usage"]>): void {
  const cached = usage.prompt_tokens_details?.cached_tokens ?? usage.cache_read_input_tokens ?? usage.prompt_cache_hit_tokens ?? 0;
  // OpenAI counts cached tokens inside prompt_tokens; The Maestro counts them apart.
  state.usage({
    input: usage.prompt_tokens == null ? undefined : Math.max(0, usage.prompt_tokens - cached),
    output: usage.completion_tokens,
    cacheRead: usage.prompt_tokens == null ? undefined : cached,
    cacheWrite: usage.prompt_tokens == null ? undefined : 0,
  });
}

// ── Stop reason ────────────────────────────────────────────────────────────────────────────

export function mapOpenAIStopReason(reason: string | undefined): StopReason {
  switch (reason) {
    case "stop":
      return "end_turn";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "length":
      return "max_tokens";
    case "content_filter":
      return "content_filter";
    default:
      return "other";
  }
}

// ── Provider ───────────────────────────────────────────────────────────────────────────────

export const openai = {
  id: "openai",
  probeModel: "gpt-4.1-mini",
  stream: (request, context) =>
    streamResponse(
      "openai",
      context,
      {
        url: `${baseUrlOf(context, DEFAULT_BASE_URL)}/chat/completions`,
        model: request.model,
        headers: openaiHeaders(context.credential.apiKey),
        body: toOpenAIRequest(request),
        secretHeaders: ["authorization"],
      },
      chatChunks(),
    ),
} satisfies Provider;
