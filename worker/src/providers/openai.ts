/**
 * OpenAI Chat Completions, as llxprt sends it (fidelity REFERENCE §3a): the OpenAI SDK's headers
 * in Bun's order. Also every OpenAI-compatible server (vLLM, Ollama, OpenRouter…) through a
 * credential's base_url; their `reasoning_content` deltas become thinking.
 */
import type { ContentPart, StopReason, StreamEvent, ToolCallId } from "@maestro/protocol";
import { z } from "zod";
import { type HeaderList, baseUrlOf, SseJson, streamRequest } from "./http.ts";
import { type Provider, type ProviderContext, type ProviderRequest, toCallId } from "./provider.ts";
import { interruptedEvent, protocolErrorEvent, streamErrorEvent } from "./provider-error.ts";
import { parseJsonObject } from "./sse.ts";

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

const textOf = (parts: readonly ContentPart[]) => parts.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");

export function toOpenAIRequest(request: ProviderRequest): Record<string, unknown> {
  const messages: ChatMessage[] = request.system === null ? [] : [{ role: "system", content: request.system }];
  for (const message of request.messages) {
    if (message.role === "user") {
      messages.push({ role: "user", content: textOf(message.content) });
    } else if (message.role === "assistant") {
      const calls = message.content.flatMap((part) =>
        part.type === "tool_call"
          ? [{ id: part.call_id, type: "function", function: { name: part.name, arguments: JSON.stringify(part.args) } }]
          : [],
      );
      const text = textOf(message.content);
      messages.push({ role: "assistant", content: text.length > 0 ? text : null, ...(calls.length > 0 && { tool_calls: calls }) });
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
  index: z.number(),
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

// ── Stream mapping ─────────────────────────────────────────────────────────────────────────

interface OpenToolCall {
  id: ToolCallId;
  name: string;
  json: string;
  started: boolean;
}

async function* toStreamEvents(body: ReadableStream<Uint8Array>, context: ProviderContext): AsyncGenerator<StreamEvent> {
  const calls = new Map<number, OpenToolCall>();
  let finishReason: string | undefined;
  let usage: StreamEvent | undefined;
  const stream = new SseJson("openai", context, body);
  for await (const item of stream) {
    const parsed = ChunkSchema.safeParse(item.value);
    if (!parsed.success) {
      yield protocolErrorEvent("openai", "a malformed chunk");
      return;
    }
    const chunk = parsed.data;
    if (chunk.error !== undefined) {
      yield streamErrorEvent("openai", chunk);
      return;
    }
    if (chunk.usage) usage = mapUsage(chunk.usage);
    const choice = chunk.choices?.[0];
    if (choice === undefined) continue;
    if (choice.delta?.reasoning_content) yield { type: "thinking_delta", text: choice.delta.reasoning_content };
    if (choice.delta?.content) yield { type: "text_delta", text: choice.delta.content };
    for (const delta of choice.delta?.tool_calls ?? []) {
      const call = calls.get(delta.index) ?? { id: toCallId(delta.id, `call_local_${delta.index}`), name: "", json: "", started: false };
      calls.set(delta.index, call);
      if (delta.function?.name) call.name += delta.function.name;
      if (!call.started && call.name.length > 0) {
        call.started = true;
        yield { type: "tool_call", phase: "start", call_id: call.id, name: call.name };
      }
      if (delta.function?.arguments) {
        call.json += delta.function.arguments;
        if (call.started) yield { type: "tool_call", phase: "args_delta", call_id: call.id, delta: delta.function.arguments };
      }
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  if (yield* stream.endedEarly()) return;
  if (!stream.done && finishReason === undefined) {
    yield interruptedEvent("openai");
    return;
  }
  for (const call of calls.values()) {
    const args = parseJsonObject(call.json);
    if (args === undefined) {
      yield protocolErrorEvent("openai", "tool arguments that are not a JSON object");
      return;
    }
    yield { type: "tool_call", phase: "end", call_id: call.id, args };
  }
  if (usage !== undefined) yield usage;
  yield { type: "stop", reason: mapOpenAIStopReason(finishReason), ...(finishReason !== undefined && { provider_reason: finishReason }) };
}

// ── Stop reason / usage ────────────────────────────────────────────────────────────────────

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

function mapUsage(usage: NonNullable<z.infer<typeof ChunkSchema>["usage"]>): StreamEvent {
  const cached = usage.prompt_tokens_details?.cached_tokens ?? usage.cache_read_input_tokens ?? usage.prompt_cache_hit_tokens ?? 0;
  const prompt = usage.prompt_tokens ?? 0;
  // OpenAI counts cached tokens inside prompt_tokens; The Maestro counts them apart.
  return {
    type: "usage",
    input_tokens: Math.max(0, prompt - cached),
    output_tokens: usage.completion_tokens ?? 0,
    cache_read_tokens: cached,
    cache_write_tokens: 0,
  };
}

// ── Provider ───────────────────────────────────────────────────────────────────────────────

export const openai = {
  id: "openai",
  probeModel: "gpt-4.1-mini",
  stream: (request, context) =>
    streamRequest(
      "openai",
      context,
      {
        url: `${baseUrlOf(context, DEFAULT_BASE_URL)}/chat/completions`,
        headers: openaiHeaders(context.credential.apiKey),
        body: toOpenAIRequest(request),
        secretHeaders: ["authorization"],
      },
      toStreamEvents,
    ),
} satisfies Provider;
