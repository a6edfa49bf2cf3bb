/**
 * OpenAI Responses API, as llxprt sends it (fidelity REFERENCE §3b): a raw fetch, so Bun's own
 * User-Agent and Accept rather than SDK headers; a prompt-cache key per session. The stream
 * mapping is shared with the Codex provider, which speaks the same events. Reasoning items come
 * back before the function calls they led to, as llxprt and Codex send them: summaries, and the
 * encrypted reasoning when the stream carried it.
 */
import type { ContentPart, ProviderId, StreamEvent } from "@maestro/protocol";
import { z } from "zod";
import { type HeaderList, baseUrlOf } from "./http.ts";
import { type ConversationMessage, type Provider, type ProviderRequest, toCallId } from "./provider.ts";
import { streamErrorEvent, unexplainedFailureEvent } from "./provider-error.ts";
import { type ChunkMapper, streamResponse } from "./stream-driver.ts";
import type { StreamState } from "./stream-state.ts";

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

type InputItem = Record<string, unknown>;

/**
 * How reasoning items are replayed: only items that carry their encrypted content, as llxprt
 * sends them (an id-only item fails for an organisation that stores nothing, zero data
 * retention). The public API gets the item's id too, as llxprt sends it; Codex's backend stores
 * nothing (`store: false`), so its items go back without one, as Codex sends them.
 */
export interface ReasoningReplay {
  readonly stateless: boolean;
}

const textOf = (parts: readonly ContentPart[]) =>
  parts.flatMap((part) => (part.type === "text" || part.type === "refusal" ? [part.text] : [])).join("");

export function toResponsesInput(request: ProviderRequest, replay: ReasoningReplay = { stateless: false }): InputItem[] {
  return request.messages.flatMap((message): InputItem[] => {
    if (message.role === "user") return [{ role: "user", content: textOf(message.content) }];
    if (message.role === "tool") {
      return message.content.flatMap((part) =>
        part.type === "tool_result" ? [{ type: "function_call_output", call_id: part.call_id, output: part.output }] : [],
      );
    }
    return assistantItems(message, replay);
  });
}

/** An answer's items in the order the model produced them: reasoning, its words, its calls. */
function assistantItems(message: ConversationMessage, replay: ReasoningReplay): InputItem[] {
  const items: InputItem[] = [];
  let text = "";
  const flushText = () => {
    if (text.length > 0) items.push({ role: "assistant", content: text });
    text = "";
  };
  const parts = message.content;
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index];
    if (part === undefined) continue;
    if (part.type === "text" || part.type === "refusal") text += part.text;
    else if (part.type === "tool_call") {
      flushText();
      items.push({ type: "function_call", call_id: part.call_id, name: part.name, arguments: part.args_json ?? JSON.stringify(part.args) });
    } else if (part.type === "thinking" && part.item_id !== undefined) {
      // The summary parts of one reasoning item are consecutive parts with its id.
      const itemId = part.item_id;
      const summaries: Extract<ContentPart, { type: "thinking" }>[] = [];
      while (index < parts.length) {
        const next = parts[index];
        if (next?.type !== "thinking" || next.item_id !== itemId) break;
        summaries.push(next);
        index += 1;
      }
      index -= 1;
      flushText();
      const reasoning = reasoningItem(itemId, summaries, replay);
      if (reasoning !== undefined) items.push(reasoning);
    }
  }
  flushText();
  return items;
}

function reasoningItem(
  itemId: string,
  parts: readonly Extract<ContentPart, { type: "thinking" }>[],
  replay: ReasoningReplay,
): InputItem | undefined {
  const encrypted = parts.findLast((part) => part.signature !== undefined)?.signature;
  if (encrypted === undefined) return undefined;
  return {
    type: "reasoning",
    ...(!replay.stateless && { id: itemId }),
    summary: parts.filter((part) => part.text.length > 0).map((part) => ({ type: "summary_text", text: part.text })),
    encrypted_content: encrypted,
  };
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
export function responsesRequestHead(
  request: ProviderRequest,
  options: { instructionsRequired?: boolean; stateless?: boolean } = {},
): Record<string, unknown> {
  const hasTools = request.tools.length > 0;
  const instructions = request.system ?? (options.instructionsRequired === true ? "" : null);
  return {
    model: request.model,
    input: toResponsesInput(request, { stateless: options.stateless === true }),
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

const ReasoningItemSchema = z.looseObject({
  type: z.literal("reasoning"),
  id: z.string().nullish(),
  summary: z.array(z.looseObject({ text: z.string().nullish() })).nullish(),
  encrypted_content: z.string().nullish(),
});

const UsageSchema = z
  .looseObject({
    input_tokens: z.number().nullish(),
    output_tokens: z.number().nullish(),
    input_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
  })
  .nullish();

const ResponseSchema = z.looseObject({
  status: z.string().nullish(),
  incomplete_details: z.looseObject({ reason: z.string().nullish() }).nullish(),
  usage: UsageSchema,
  error: z.unknown().optional(),
});

const EventSchema = z.looseObject({
  type: z.string(),
  delta: z.string().nullish(),
  item_id: z.string().nullish(),
  summary_index: z.number().nullish(),
  item: z.looseObject({ type: z.string() }).nullish(),
  response: ResponseSchema.nullish(),
});
type ResponsesEvent = z.infer<typeof EventSchema>;

// ── Stream mapping ─────────────────────────────────────────────────────────────────────────

/**
 * Responses-API events → StreamEvents; used by `openai_responses` and `codex`. Event types it does
 * not know (annotations, web search…) pass by: every event fits the schema, so none is refused.
 */
export function responsesChunks(provider: ProviderId): ChunkMapper<ResponsesEvent> {
  let refused = false;
  /** Reasoning items whose summary streamed, so their final copy does not add it again. */
  const streamedReasoning = new Set<string>();
  return {
    schema: EventSchema,
    completion: "terminal",
    *map(event, state, _name) {
      switch (event.type) {
        case "response.output_text.delta":
          if (event.delta) yield { type: "text_delta", text: event.delta };
          break;
        case "response.refusal.delta":
          refused = true;
          if (event.delta) yield { type: "refusal_delta", text: event.delta };
          break;
        case "response.reasoning_summary_part.added":
          // Each summary part is a thinking part of its own, not run into the one before.
          if (event.item_id && (event.summary_index ?? 0) > 0)
            yield { type: "thinking_delta", text: "", item_id: event.item_id, new_part: true };
          break;
        case "response.reasoning_summary_text.delta":
        case "response.reasoning_text.delta":
          if (event.item_id) streamedReasoning.add(event.item_id);
          if (event.delta) yield { type: "thinking_delta", text: event.delta, ...(event.item_id && { item_id: event.item_id }) };
          break;
        case "response.output_item.added": {
          const call = FunctionCallItemSchema.safeParse(event.item);
          if (call.success)
            yield* state.openCall(callKey(call.data), {
              id: toCallId(call.data.call_id ?? call.data.id, `call_local_${callKey(call.data)}`),
              name: call.data.name,
            });
          break;
        }
        case "response.function_call_arguments.delta":
          if (event.item_id && event.delta) yield* state.appendArgs(event.item_id, event.delta);
          break;
        case "response.output_item.done":
          yield* itemDone(event.item, state, streamedReasoning);
          break;
        case "response.completed":
        case "response.done":
        case "response.incomplete":
          readUsage(state, event.response?.usage);
          state.stopWith(
            stopOf(event, state.calledTools, refused),
            event.response?.incomplete_details?.reason ?? event.response?.status ?? event.type,
          );
          state.markTerminal();
          break;
        case "response.failed": {
          readUsage(state, event.response?.usage);
          const error = event.response?.error;
          state.fail(error == null ? unexplainedFailureEvent(provider) : streamErrorEvent(provider, { error }));
          break;
        }
        case "error":
          state.fail(streamErrorEvent(provider, event));
          break;
      }
    },
  };
}

const callKey = (call: z.infer<typeof FunctionCallItemSchema>) => call.id ?? call.call_id ?? "call";

function* itemDone(item: unknown, state: StreamState, streamedReasoning: ReadonlySet<string>): Generator<StreamEvent> {
  const call = FunctionCallItemSchema.safeParse(item);
  if (call.success) {
    const key = callKey(call.data);
    yield* state.openCall(key, { id: toCallId(call.data.call_id ?? call.data.id, `call_local_${key}`), name: call.data.name });
    // The item's final arguments are the truth (Codex reads only these); deltas may be missing.
    if (typeof call.data.arguments === "string") state.replaceArgs(key, call.data.arguments);
    yield* state.closeCall(key);
    return;
  }
  const reasoning = ReasoningItemSchema.safeParse(item);
  if (!reasoning.success || !reasoning.data.id) return;
  const itemId = reasoning.data.id;
  if (!streamedReasoning.has(itemId)) {
    for (const [index, summary] of (reasoning.data.summary ?? []).entries())
      if (summary.text)
        yield { type: "thinking_delta", text: summary.text, item_id: itemId, ...(index > 0 && { new_part: true as const }) };
  }
  // The encrypted reasoning seals the item's last thinking part: it is what lets it be replayed.
  if (reasoning.data.encrypted_content)
    yield { type: "thinking_delta", text: "", item_id: itemId, signature: reasoning.data.encrypted_content };
}

function stopOf(
  event: ResponsesEvent,
  calledTools: boolean,
  refused: boolean,
): "end_turn" | "tool_use" | "max_tokens" | "content_filter" | "refusal" {
  if (event.type === "response.incomplete")
    return event.response?.incomplete_details?.reason === "content_filter" ? "content_filter" : "max_tokens";
  if (refused) return "refusal";
  return calledTools ? "tool_use" : "end_turn";
}

function readUsage(state: StreamState, usage: z.infer<typeof UsageSchema>): void {
  if (!usage) return;
  const cached = usage.input_tokens_details?.cached_tokens ?? 0;
  state.usage({
    input: usage.input_tokens == null ? undefined : Math.max(0, usage.input_tokens - cached),
    output: usage.output_tokens,
    cacheRead: usage.input_tokens == null ? undefined : cached,
    cacheWrite: usage.input_tokens == null ? undefined : 0,
  });
}

// ── Provider ───────────────────────────────────────────────────────────────────────────────

export const openaiResponses = {
  id: "openai_responses",
  probeModel: "gpt-4.1-mini",
  stream: (request, context) =>
    streamResponse(
      "openai_responses",
      context,
      {
        url: `${baseUrlOf(context, DEFAULT_BASE_URL)}/responses`,
        model: request.model,
        headers: openaiResponsesHeaders(context.credential.apiKey),
        body: toResponsesRequest(request, context.sessionKey),
        secretHeaders: ["authorization"],
      },
      responsesChunks("openai_responses"),
    ),
} satisfies Provider;
