/**
 * OpenAI Responses API, as llxprt sends it (fidelity REFERENCE §3b): a raw fetch, so Bun's own
 * User-Agent and Accept rather than SDK headers; a prompt-cache key per session. The stream
 * mapping is shared with the Codex provider, which speaks the same events.
 */
import type { ContentPart, ProviderId, StopReason, StreamEvent, ToolCallId } from "@maestro/protocol";
import { z } from "zod";
import { type HeaderList, baseUrlOf, SseJson, streamRequest } from "./http.ts";
import { type Provider, type ProviderContext, type ProviderRequest, toCallId } from "./provider.ts";
import { interruptedEvent, protocolErrorEvent, streamErrorEvent } from "./provider-error.ts";
import { parseJsonObject } from "./sse.ts";

// ── Wire constants ─────────────────────────────────────────────────────────────────────────

const DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** Header order and values of llxprt 0.11.0's raw fetch under Bun 1.3.14, captured. */
export function openaiResponsesHeaders(apiKey: string): HeaderList {
  return [
    ["Authorization", `Bearer ${apiKey}`],
    ["Content-Type", "application/json; charset=utf-8"],
    ["User-Agent", "Bun/1.3.14"],
    ["Accept", "*/*"],
  ];
}

// ── Request mapping ────────────────────────────────────────────────────────────────────────

export function toResponsesInput(request: ProviderRequest): Record<string, unknown>[] {
  const textOf = (parts: readonly ContentPart[]) => parts.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
  return request.messages.flatMap((message): Record<string, unknown>[] => {
    if (message.role === "user") return [{ role: "user", content: textOf(message.content) }];
    if (message.role === "tool") {
      return message.content.flatMap((part) =>
        part.type === "tool_result" ? [{ type: "function_call_output", call_id: part.call_id, output: part.output }] : [],
      );
    }
    const text = textOf(message.content);
    return [
      ...(text.length > 0 ? [{ role: "assistant", content: text }] : []),
      ...message.content.flatMap((part) =>
        part.type === "tool_call"
          ? [{ type: "function_call", call_id: part.call_id, name: part.name, arguments: JSON.stringify(part.args) }]
          : [],
      ),
    ];
  });
}

export function toResponsesTools(request: ProviderRequest): Record<string, unknown>[] {
  // llxprt sends `strict: null` on every function tool.
  return request.tools.map((tool) => ({
    type: "function",
    name: tool.name,
    description: tool.description,
    parameters: tool.inputSchema,
    strict: null,
  }));
}

/**
 * The keys every Responses-API request starts with, in llxprt's order (Codex shares them). The
 * public API takes a request without `instructions`; Codex's backend does not (codex.ts).
 */
export function responsesRequestHead(request: ProviderRequest, options: { instructionsRequired?: boolean } = {}): Record<string, unknown> {
  const hasTools = request.tools.length > 0;
  const instructions = request.system ?? (options.instructionsRequired === true ? "" : null);
  return {
    model: request.model,
    input: toResponsesInput(request),
    stream: true,
    ...(instructions !== null && { instructions }),
    ...(hasTools && { tools: toResponsesTools(request), tool_choice: "auto", parallel_tool_calls: true }),
  };
}

export function toResponsesRequest(request: ProviderRequest, sessionKey: string): Record<string, unknown> {
  return { ...responsesRequestHead(request), prompt_cache_key: sessionKey, prompt_cache_retention: "24h" };
}

// ── Upstream schemas ───────────────────────────────────────────────────────────────────────

const FunctionCallItemSchema = z.looseObject({
  type: z.literal("function_call"),
  id: z.string().nullish(),
  call_id: z.string().nullish(),
  name: z.string(),
  arguments: z.string().nullish(),
});

const ResponseSchema = z.looseObject({
  status: z.string().nullish(),
  incomplete_details: z.looseObject({ reason: z.string().nullish() }).nullish(),
  usage: z
    .looseObject({
      input_tokens: z.number().nullish(),
      output_tokens: z.number().nullish(),
      input_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
    })
    .nullish(),
  error: z.unknown().optional(),
});

const EventSchema = z.looseObject({
  type: z.string(),
  delta: z.string().nullish(),
  item_id: z.string().nullish(),
  item: z.looseObject({ type: z.string() }).nullish(),
  response: ResponseSchema.nullish(),
});

const TERMINAL = new Set(["response.completed", "response.done", "response.incomplete", "response.failed"]);

// ── Stream mapping ─────────────────────────────────────────────────────────────────────────

/** Responses-API events → StreamEvents; used by `openai_responses` and `codex`. */
export async function* responsesStreamEvents(
  provider: ProviderId,
  body: ReadableStream<Uint8Array>,
  context: ProviderContext,
): AsyncGenerator<StreamEvent> {
  const calls = new Map<string, ToolCallId>();
  let sawToolCall = false;
  const stream = new SseJson(provider, context, body);
  for await (const item of stream) {
    const parsed = EventSchema.safeParse(item.value);
    if (!parsed.success) {
      yield protocolErrorEvent(provider, "a malformed event");
      return;
    }
    const event = parsed.data;
    switch (event.type) {
      case "response.output_text.delta":
        if (event.delta) yield { type: "text_delta", text: event.delta };
        break;
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        if (event.delta) yield { type: "thinking_delta", text: event.delta };
        break;
      case "response.output_item.added": {
        const call = FunctionCallItemSchema.safeParse(event.item);
        if (!call.success) break;
        const id = toCallId(call.data.call_id ?? call.data.id, `call_local_${calls.size}`);
        calls.set(call.data.id ?? id, id);
        sawToolCall = true;
        yield { type: "tool_call", phase: "start", call_id: id, name: call.data.name };
        break;
      }
      case "response.function_call_arguments.delta": {
        const id = event.item_id == null ? undefined : calls.get(event.item_id);
        if (id !== undefined && event.delta) yield { type: "tool_call", phase: "args_delta", call_id: id, delta: event.delta };
        break;
      }
      case "response.output_item.done": {
        const call = FunctionCallItemSchema.safeParse(event.item);
        if (!call.success) break;
        const id = calls.get(call.data.id ?? "") ?? toCallId(call.data.call_id, `call_local_${calls.size}`);
        const args = parseJsonObject(call.data.arguments ?? "");
        if (args === undefined) {
          yield protocolErrorEvent(provider, "tool arguments that are not a JSON object");
          return;
        }
        yield { type: "tool_call", phase: "end", call_id: id, args };
        break;
      }
      case "error": {
        yield streamErrorEvent(provider, { error: item.value });
        return;
      }
      default:
        if (!TERMINAL.has(event.type)) break;
        if (event.type === "response.failed") {
          yield streamErrorEvent(provider, event.response ?? {});
          return;
        }
        yield mapUsage(event.response?.usage);
        yield {
          type: "stop",
          reason: mapResponsesStopReason(event.type, event.response?.incomplete_details?.reason, sawToolCall),
          provider_reason: event.response?.status ?? event.type,
        };
        return;
    }
  }
  if (yield* stream.endedEarly()) return;
  // No terminal event: llxprt treats this as a truncated stream, and so do we.
  yield interruptedEvent(provider);
}

// ── Stop reason / usage ────────────────────────────────────────────────────────────────────

export function mapResponsesStopReason(eventType: string, incompleteReason: string | null | undefined, sawToolCall: boolean): StopReason {
  if (eventType === "response.incomplete") return incompleteReason === "content_filter" ? "content_filter" : "max_tokens";
  return sawToolCall ? "tool_use" : "end_turn";
}

function mapUsage(usage: z.infer<typeof ResponseSchema>["usage"]): StreamEvent {
  const cached = usage?.input_tokens_details?.cached_tokens ?? 0;
  return {
    type: "usage",
    input_tokens: Math.max(0, (usage?.input_tokens ?? 0) - cached),
    output_tokens: usage?.output_tokens ?? 0,
    cache_read_tokens: cached,
    cache_write_tokens: 0,
  };
}

// ── Provider ───────────────────────────────────────────────────────────────────────────────

export const openaiResponses = {
  id: "openai_responses",
  probeModel: "gpt-4.1-mini",
  stream: (request, context) =>
    streamRequest(
      "openai_responses",
      context,
      {
        url: `${baseUrlOf(context, DEFAULT_BASE_URL)}/responses`,
        headers: openaiResponsesHeaders(context.credential.apiKey),
        body: toResponsesRequest(request, context.sessionKey),
        secretHeaders: ["authorization"],
      },
      (body, ctx) => responsesStreamEvents("openai_responses", body, ctx),
    ),
} satisfies Provider;
