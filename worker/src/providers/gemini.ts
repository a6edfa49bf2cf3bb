/**
 * Gemini API streamGenerateContent (`alt=sse`), as gemini-cli 0.61.0 sends it (fidelity
 * REFERENCE §4a) with usage statistics off: no installation id is sent. Unlike llxprt (§4b) the
 * system prompt does reach the wire, as `systemInstruction`.
 */
import type { StopReason, StreamEvent } from "@maestro/protocol";
import { z } from "zod";
import { type HeaderList, baseUrlOf, SseJson, streamRequest } from "./http.ts";
import { type ConversationMessage, type Provider, type ProviderContext, type ProviderRequest, toCallId } from "./provider.ts";
import { interruptedEvent, protocolErrorEvent, streamErrorEvent } from "./provider-error.ts";

// ── Wire constants ─────────────────────────────────────────────────────────────────────────

const DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";
const CLI_VERSION = "0.61.0";

/**
 * Header order and values of gemini-cli 0.61.0 (@google/genai 1.30.0 on Node 20 undici),
 * captured. The User-Agent names the configured model; accept, accept-language and
 * sec-fetch-mode are what undici added.
 */
export function geminiHeaders(apiKey: string, model: string): HeaderList {
  return [
    ["User-Agent", `GeminiCLI-tui/${CLI_VERSION}/${model} (linux; x64; terminal)`],
    ["x-goog-api-client", "google-genai-sdk/1.30.0 gl-node/v20.20.2"],
    ["Content-Type", "application/json"],
    ["x-goog-api-key", apiKey],
    ["accept", "*/*"],
    ["accept-language", "*"],
    ["sec-fetch-mode", "cors"],
  ];
}

/** gemini-cli's generationConfig: thinking budget for 2.5 models, thinking level for 3.x. */
function generationConfigFor(model: string): Record<string, unknown> {
  const base = { temperature: 1, topP: 0.95, topK: 64 };
  if (/^gemini-2\.5/.test(model)) return { ...base, thinkingConfig: { includeThoughts: true, thinkingBudget: 8192 } };
  if (/^gemini-3/.test(model)) return { ...base, thinkingConfig: { includeThoughts: true, thinkingLevel: "HIGH" } };
  return base;
}

// ── Request mapping ────────────────────────────────────────────────────────────────────────

type Part = Record<string, unknown>;

function toParts(message: ConversationMessage): Part[] {
  return message.content.flatMap((part): Part[] => {
    switch (part.type) {
      case "text":
        return part.text.length > 0 ? [{ text: part.text }] : [];
      case "thinking":
        return [{ text: part.text, thought: true, ...(part.signature !== undefined && { thoughtSignature: part.signature }) }];
      case "tool_call":
        return [
          { functionCall: { name: part.name, args: part.args }, ...(part.signature !== undefined && { thoughtSignature: part.signature }) },
        ];
      case "tool_result":
        return [{ functionResponse: { name: part.name, response: part.ok ? { output: part.output } : { error: part.output } } }];
    }
  });
}

export function toGeminiRequest(request: ProviderRequest): Record<string, unknown> {
  const contents = request.messages
    .map((message) => ({ parts: toParts(message), role: message.role === "assistant" ? "model" : "user" }))
    .filter((content) => content.parts.length > 0);
  // Top-level keys in gemini-cli's order: contents, systemInstruction, tools, generationConfig.
  return {
    contents,
    ...(request.system !== null && { systemInstruction: { parts: [{ text: request.system }], role: "user" } }),
    ...(request.tools.length > 0 && {
      tools: [
        {
          functionDeclarations: request.tools.map((tool) => ({
            name: tool.name,
            description: tool.description,
            parametersJsonSchema: tool.inputSchema,
          })),
        },
      ],
    }),
    generationConfig: generationConfigFor(request.model),
  };
}

// ── Upstream schemas ───────────────────────────────────────────────────────────────────────

const PartSchema = z.looseObject({
  text: z.string().nullish(),
  thought: z.boolean().nullish(),
  thoughtSignature: z.string().nullish(),
  functionCall: z.looseObject({ id: z.string().nullish(), name: z.string(), args: z.record(z.string(), z.unknown()).nullish() }).nullish(),
});

const ChunkSchema = z.looseObject({
  candidates: z
    .array(
      z.looseObject({ content: z.looseObject({ parts: z.array(PartSchema).nullish() }).nullish(), finishReason: z.string().nullish() }),
    )
    .nullish(),
  promptFeedback: z.looseObject({ blockReason: z.string().nullish() }).nullish(),
  usageMetadata: z
    .looseObject({
      promptTokenCount: z.number().nullish(),
      candidatesTokenCount: z.number().nullish(),
      cachedContentTokenCount: z.number().nullish(),
      thoughtsTokenCount: z.number().nullish(),
    })
    .nullish(),
  error: z.unknown().optional(),
});

// ── Stream mapping ─────────────────────────────────────────────────────────────────────────

async function* toStreamEvents(body: ReadableStream<Uint8Array>, context: ProviderContext): AsyncGenerator<StreamEvent> {
  let usage: StreamEvent | undefined;
  let finishReason: string | undefined;
  let callCount = 0;
  const stream = new SseJson("gemini", context, body);
  for await (const item of stream) {
    const parsed = ChunkSchema.safeParse(item.value);
    if (!parsed.success) {
      yield protocolErrorEvent("gemini", "a malformed chunk");
      return;
    }
    const chunk = parsed.data;
    if (chunk.error !== undefined) {
      yield streamErrorEvent("gemini", chunk);
      return;
    }
    if (chunk.usageMetadata) usage = mapUsage(chunk.usageMetadata);
    if (chunk.promptFeedback?.blockReason) finishReason = chunk.promptFeedback.blockReason;
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.functionCall) {
        // Gemini sends a call whole; its id is optional, so one is made when missing.
        const id = toCallId(part.functionCall.id, `gemini_call_${crypto.randomUUID()}`);
        callCount += 1;
        const args = part.functionCall.args ?? {};
        yield { type: "tool_call", phase: "start", call_id: id, name: part.functionCall.name };
        yield { type: "tool_call", phase: "args_delta", call_id: id, delta: JSON.stringify(args) };
        yield { type: "tool_call", phase: "end", call_id: id, args, ...(part.thoughtSignature && { signature: part.thoughtSignature }) };
      } else if (part.thought) {
        yield { type: "thinking_delta", text: part.text ?? "", ...(part.thoughtSignature && { signature: part.thoughtSignature }) };
      } else if (part.text) {
        yield { type: "text_delta", text: part.text };
      }
    }
    if (candidate?.finishReason) finishReason = candidate.finishReason;
  }
  if (yield* stream.endedEarly()) return;
  if (finishReason === undefined) {
    yield interruptedEvent("gemini");
    return;
  }
  if (usage !== undefined) yield usage;
  yield { type: "stop", reason: mapGeminiStopReason(finishReason, callCount > 0), provider_reason: finishReason };
}

// ── Stop reason / usage ────────────────────────────────────────────────────────────────────

export function mapGeminiStopReason(reason: string, calledTools: boolean): StopReason {
  if (reason === "STOP") return calledTools ? "tool_use" : "end_turn";
  if (reason === "MAX_TOKENS") return "max_tokens";
  if (/SAFETY|RECITATION|BLOCKLIST|PROHIBITED|SPII|OTHER_BLOCK|BLOCK/.test(reason)) return "content_filter";
  return "other";
}

function mapUsage(usage: NonNullable<z.infer<typeof ChunkSchema>["usageMetadata"]>): StreamEvent {
  const cached = usage.cachedContentTokenCount ?? 0;
  return {
    type: "usage",
    input_tokens: Math.max(0, (usage.promptTokenCount ?? 0) - cached),
    output_tokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    cache_read_tokens: cached,
    cache_write_tokens: 0,
  };
}

// ── Provider ───────────────────────────────────────────────────────────────────────────────

export const gemini = {
  id: "gemini",
  probeModel: "gemini-2.5-flash",
  stream: (request, context) =>
    streamRequest(
      "gemini",
      context,
      {
        url: `${baseUrlOf(context, DEFAULT_BASE_URL)}/v1beta/models/${encodeURIComponent(request.model)}:streamGenerateContent?alt=sse`,
        headers: geminiHeaders(context.credential.apiKey, request.model),
        body: toGeminiRequest(request),
        secretHeaders: ["x-goog-api-key"],
      },
      toStreamEvents,
    ),
} satisfies Provider;
