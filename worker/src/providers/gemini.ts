/**
 * Gemini API streamGenerateContent (`alt=sse`), as gemini-cli 0.61.0 sends it (fidelity
 * REFERENCE §4a) with usage statistics off: no installation id is sent. Unlike llxprt (§4b) the
 * system prompt does reach the wire, as `systemInstruction`. History goes back as gemini-cli sends
 * it: thought parts left out, every thoughtSignature kept on the part that carried it, call ids
 * on both the call and its response, consecutive turns of one role merged.
 */
import type { StopReason } from "@maestro/protocol";
import { z } from "zod";
import { type HeaderList, baseUrlOf } from "./http.ts";
import { type ConversationMessage, type Provider, type ProviderRequest, toCallId } from "./provider.ts";
import { streamErrorEvent } from "./provider-error.ts";
import { type ChunkMapper, streamResponse } from "./stream-driver.ts";
import type { StreamState } from "./stream-state.ts";

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
interface Content {
  role: "user" | "model";
  parts: Part[];
}

/**
 * gemini-cli's placeholder for a function call whose signature was carried by a thought part it
 * left out: the API requires one on the first call of each model turn in the current tool loop.
 */
export const SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

const signed = (signature: string | undefined) => (signature === undefined ? {} : { thoughtSignature: signature });

function toParts(message: ConversationMessage): Part[] {
  return message.content.flatMap((part): Part[] => {
    switch (part.type) {
      case "text":
        return part.text.length > 0 || part.signature !== undefined ? [{ text: part.text, ...signed(part.signature) }] : [];
      case "refusal":
        return part.text.length > 0 ? [{ text: part.text }] : [];
      case "thinking":
      case "redacted_thinking":
        // gemini-cli strips thoughts from the history it sends (geminiChat stripThoughts).
        return [];
      case "tool_call":
        return [{ functionCall: { id: part.call_id, name: part.name, args: part.args }, ...signed(part.signature) }];
      case "tool_result":
        return [
          { functionResponse: { id: part.call_id, name: part.name, response: part.ok ? { output: part.output } : { error: part.output } } },
        ];
      case "compaction":
        return [];
    }
  });
}

/** Consecutive contents of one role become one, as gemini-cli coalesces them. */
function coalesce(contents: readonly Content[]): Content[] {
  const merged: Content[] = [];
  for (const content of contents) {
    const last = merged.at(-1);
    if (last !== undefined && last.role === content.role) last.parts.push(...content.parts);
    else merged.push({ role: content.role, parts: [...content.parts] });
  }
  return merged;
}

/**
 * The first function call of a model turn must carry a thought signature (Gemini 3 refuses one
 * without, in the current tool loop); one whose signature rode on a left-out thought part gets
 * gemini-cli's placeholder. gemini-cli adds it only inside the current loop; adding it to every
 * turn sends each turn the same way in every later request, so the prompt cache keeps matching.
 */
function signModelTurns(contents: Content[]): void {
  for (const content of contents) {
    if (content.role !== "model") continue;
    const first = content.parts.find((part) => part.functionCall !== undefined);
    if (first !== undefined && first.thoughtSignature === undefined) first.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
  }
}

export function toGeminiRequest(request: ProviderRequest): Record<string, unknown> {
  const contents = coalesce(
    request.messages
      .map((message): Content => ({ role: message.role === "assistant" ? "model" : "user", parts: toParts(message) }))
      .filter((content) => content.parts.length > 0),
  );
  signModelTurns(contents);
  // Top-level keys in gemini-cli's order: contents, systemInstruction, tools, generationConfig.
  return {
    contents: contents.map((content) => ({ parts: content.parts, role: content.role })),
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
      z.looseObject({
        content: z.looseObject({ parts: z.array(PartSchema).nullish() }).nullish(),
        finishReason: z.string().nullish(),
        finishMessage: z.string().nullish(),
      }),
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
type Chunk = z.infer<typeof ChunkSchema>;

// ── Stream mapping ─────────────────────────────────────────────────────────────────────────

/** Finish reasons that mean the model failed to write a usable call: no answer to keep or run. */
const BROKEN_CALL = new Set(["MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL"]);

function geminiChunks(): ChunkMapper<Chunk> {
  let calls = 0;
  return {
    schema: ChunkSchema,
    completion: "stop_or_done",
    *map(chunk, state) {
      if (chunk.error !== undefined && chunk.error !== null) {
        state.fail(streamErrorEvent("gemini", chunk));
        return;
      }
      if (chunk.usageMetadata) readUsage(state, chunk.usageMetadata);
      const blocked = chunk.promptFeedback?.blockReason;
      // A blocked prompt has no candidates: the block reason is the whole answer.
      if (blocked) state.stopWith("content_filter", blocked);
      const candidate = chunk.candidates?.[0];
      for (const part of candidate?.content?.parts ?? []) {
        if (part.functionCall) {
          // Gemini sends a call whole; its id is optional, so one is made when missing (and sent
          // back with the call and its response, as gemini-cli does).
          const key = String(calls++);
          const id = toCallId(part.functionCall.id, `gemini_call_${crypto.randomUUID()}`);
          yield* state.openCall(key, { id, name: part.functionCall.name });
          yield* state.appendArgs(key, JSON.stringify(part.functionCall.args ?? {}));
          yield* state.closeCall(key, { args: part.functionCall.args ?? {}, signature: part.thoughtSignature ?? undefined });
        } else if (part.thought) {
          yield { type: "thinking_delta", text: part.text ?? "", ...(part.thoughtSignature && { signature: part.thoughtSignature }) };
        } else if (part.text || part.thoughtSignature) {
          yield { type: "text_delta", text: part.text ?? "", ...(part.thoughtSignature && { signature: part.thoughtSignature }) };
        }
      }
      const reason = candidate?.finishReason;
      if (!reason) return;
      if (BROKEN_CALL.has(reason)) {
        // Not the provider failing: the model stopped with a call that cannot run. A stop that says so.
        const said = candidate.finishMessage ? ` (${candidate.finishMessage})` : "";
        state.stopWith("other", reason, `The model wrote a malformed function call that Gemini could not use${said}; nothing was run.`);
        return;
      }
      state.stopWith(mapGeminiStopReason(reason, state.calledTools), reason);
    },
  };
}

function readUsage(state: StreamState, usage: NonNullable<Chunk["usageMetadata"]>): void {
  const cached = usage.cachedContentTokenCount ?? 0;
  // Gemini counts cached tokens inside the prompt, and thoughts apart from the answer.
  state.usage({
    input: usage.promptTokenCount == null ? undefined : Math.max(0, usage.promptTokenCount - cached),
    output:
      usage.candidatesTokenCount == null && usage.thoughtsTokenCount == null
        ? undefined
        : (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
    cacheRead: usage.promptTokenCount == null ? undefined : cached,
    cacheWrite: usage.promptTokenCount == null ? undefined : 0,
  });
}

// ── Stop reason ────────────────────────────────────────────────────────────────────────────

export function mapGeminiStopReason(reason: string, calledTools: boolean): StopReason {
  if (reason === "STOP") return calledTools ? "tool_use" : "end_turn";
  if (reason === "MAX_TOKENS") return "max_tokens";
  if (/SAFETY|RECITATION|BLOCKLIST|PROHIBITED|SPII|BLOCK|LANGUAGE/.test(reason)) return "content_filter";
  return "other";
}

// ── Provider ───────────────────────────────────────────────────────────────────────────────

export const gemini = {
  id: "gemini",
  probeModel: "gemini-2.5-flash",
  stream: (request, context) =>
    streamResponse(
      "gemini",
      context,
      {
        url: `${baseUrlOf(context, DEFAULT_BASE_URL)}/v1beta/models/${encodeURIComponent(request.model)}:streamGenerateContent?alt=sse`,
        model: request.model,
        headers: geminiHeaders(context.credential.apiKey, request.model),
        body: toGeminiRequest(request),
        secretHeaders: ["x-goog-api-key"],
      },
      geminiChunks(),
    ),
} satisfies Provider;
