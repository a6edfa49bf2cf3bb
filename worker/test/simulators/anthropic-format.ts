/**
 * The Anthropic Messages streaming format, as the API (and @anthropic-ai/sdk) expects it. With
 * thinking enabled a real Claude opens every answer that calls tools with a thinking block, so a
 * scripted tool turn without one gets a short one; every signature handed out is remembered, and
 * a thinking block sent back must carry one this key was given, over the text it was given for.
 */
import type { WireViolation } from "../../src/providers/wire-rules.ts";
import { callIdOf, chunksOf, type ResolvedTurn, type Step } from "./script.ts";
import {
  type IssuedSignature,
  type IssuedSignatures,
  type RenderContext,
  SIMULATOR_SIGNATURE_PREFIX,
  type WireFormat,
  jsonPieces,
  newSignature,
  signs,
  sse,
  sseDataValues,
} from "./wire-format.ts";

type Json = Record<string, unknown>;
const recordOf = (value: unknown): Json => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {});
const recordsOf = (value: unknown): Json[] => (Array.isArray(value) ? value.map(recordOf) : []);
const textOf = (value: unknown): string => (typeof value === "string" ? value : "");

const thinkingEnabled = (request: Json) => ["enabled", "adaptive"].includes(String(recordOf(request.thinking).type));

/** The steps as Claude would answer this request: tool turns open with thinking when it is on. */
function stepsFor(turn: ResolvedTurn, request: Json, key: string): Step[] {
  const callsTools = turn.steps.some((step) => step.kind === "tool_calls");
  const thinks = turn.steps.some((step) => step.kind === "thinking");
  if (!thinkingEnabled(request) || !callsTools || thinks) return turn.steps;
  return [
    { kind: "thinking", text: "I will use the tools for this.", signature: newSignature("I will use the tools for this.", key) },
    ...turn.steps,
  ];
}

export const anthropicFormat: WireFormat = {
  overloadedStatus: 529,
  render(turn: ResolvedTurn, { model, key, request, issue }: RenderContext): string[] {
    const usage = turn.usageOrDefault;
    const frames = [
      sse(
        {
          type: "message_start",
          message: {
            id: `msg_sim_${crypto.randomUUID().slice(0, 12)}`,
            type: "message",
            role: "assistant",
            model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: {
              input_tokens: usage.input_tokens,
              cache_creation_input_tokens: usage.cache_write_tokens,
              cache_read_input_tokens: usage.cache_read_tokens,
              output_tokens: 1,
            },
          },
        },
        "message_start",
      ),
    ];
    let index = 0;
    const block = (start: unknown, deltas: unknown[]) => {
      frames.push(sse({ type: "content_block_start", index, content_block: start }, "content_block_start"));
      if (index === 0) frames.push(sse({ type: "ping" }, "ping"));
      for (const delta of deltas) frames.push(sse({ type: "content_block_delta", index, delta }, "content_block_delta"));
      frames.push(sse({ type: "content_block_stop", index }, "content_block_stop"));
      index += 1;
    };
    for (const step of stepsFor(turn, request, key)) {
      if (step.kind === "thinking") {
        issue({ signature: step.signature, text: step.text });
        block({ type: "thinking", thinking: "", signature: "" }, [
          ...chunksOf(step.text).map((text) => ({ type: "thinking_delta", thinking: text })),
          { type: "signature_delta", signature: step.signature },
        ]);
      } else if (step.kind === "text") {
        block(
          { type: "text", text: "" },
          chunksOf(step.text).map((text) => ({ type: "text_delta", text })),
        );
      } else {
        step.calls.forEach((call, callIndex) => {
          block(
            { type: "tool_use", id: callIdOf(call, callIndex, "toolu_"), name: call.name, input: {} },
            jsonPieces(JSON.stringify(call.args)).map((partial_json) => ({ type: "input_json_delta", partial_json })),
          );
        });
      }
    }
    frames.push(
      sse(
        {
          type: "message_delta",
          delta: { stop_reason: turn.stopReason, stop_sequence: null },
          usage: { output_tokens: usage.output_tokens },
        },
        "message_delta",
      ),
    );
    frames.push(sse({ type: "message_stop" }, "message_stop"));
    return frames;
  },
  errorBody: (_status, type) => ({ type: "error", error: { type, message: `simulated ${type}` } }),
  invalidRequestBody: (violation) => ({
    type: "error",
    error: { type: "invalid_request_error", message: violation.message },
    request_id: `req_sim_${crypto.randomUUID()}`,
  }),
  /*
   * HTTP 400 before any stream, the same with stream: true. Recorded bodies:
   *   {"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 219898 tokens > 200000 maximum"},"request_id":"req_011CVjxiYzEFcAQC4Fk87zw2"}
   *   (earendil-works/pi#102, claude-opus-4-5), and "prompt is too long: 200251 tokens > 200000 maximum"
   *   from /v1/messages (boldsoftware/exe.dev#62); error shape per https://platform.claude.com/docs/en/api/errors.
   * (Older models also refused input + max_tokens over the window — "input length and `max_tokens`
   * exceed context limit: 174167 + 64000 > 200000" (kortix-ai/suna#172); only the input is checked here.)
   */
  contextWindowExceeded: (inputTokens, contextWindow) => {
    const requestId = `req_sim_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
    return {
      status: 400,
      headers: { "request-id": requestId },
      body: JSON.stringify({
        type: "error",
        error: { type: "invalid_request_error", message: `prompt is too long: ${inputTokens} tokens > ${contextWindow} maximum` },
        request_id: requestId,
      }),
    };
  },
  midStreamError: () => sse({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, "error"),
  signaturesIn,
  verifySignatures,
};

/** Thinking blocks (text + signature) and redacted_thinking data of a recorded stream. */
function signaturesIn(body: string): IssuedSignature[] {
  const open = new Map<number, { text: string; signature: string }>();
  const issued: IssuedSignature[] = [];
  for (const value of sseDataValues(body)) {
    const event = recordOf(value);
    const index = Number(event.index);
    const start = recordOf(event.content_block);
    const delta = recordOf(event.delta);
    if (event.type === "content_block_start" && start.type === "thinking")
      open.set(index, { text: textOf(start.thinking), signature: textOf(start.signature) });
    else if (event.type === "content_block_start" && start.type === "redacted_thinking" && typeof start.data === "string")
      issued.push({ signature: start.data, text: "" });
    else if (event.type === "content_block_delta" && open.has(index)) {
      const block = open.get(index) ?? { text: "", signature: "" };
      if (delta.type === "thinking_delta") block.text += textOf(delta.thinking);
      if (delta.type === "signature_delta") block.signature += textOf(delta.signature);
    } else if (event.type === "content_block_stop" && open.has(index)) {
      const block = open.get(index);
      open.delete(index);
      if (block !== undefined && block.signature.length > 0) issued.push(block);
    }
  }
  return issued;
}

/**
 * The API rejects a thinking block whose signature does not verify: edited text, a signature from
 * elsewhere (anthropic-sdk-python#1598). Signatures this simulator never made are not judged.
 */
function verifySignatures(request: Json, issued: IssuedSignatures, key: string): WireViolation[] {
  return recordsOf(request.messages).flatMap((message, index) =>
    message.role !== "assistant"
      ? []
      : recordsOf(message.content).flatMap((block, blockIndex): WireViolation[] => {
          const at = `messages.${index}.content.${blockIndex}`;
          const forged = (signature: string, text: string) => {
            const texts = issued.get(signature);
            if (texts !== undefined) return !texts.has(text);
            // Not handed out by this process: one of ours must still sign exactly this text.
            return signature.startsWith(SIMULATOR_SIGNATURE_PREFIX) && !signs(signature, text, key);
          };
          if (block.type === "thinking" && typeof block.signature === "string" && block.signature.length > 0)
            return forged(block.signature, textOf(block.thinking))
              ? [{ rule: "anthropic.thinking_signature_invalid", message: `${at}: Invalid \`signature\` in \`thinking\` block` }]
              : [];
          // unverified wording for redacted data, by analogy with the signature's.
          if (block.type === "redacted_thinking" && typeof block.data === "string" && forged(block.data, ""))
            return [{ rule: "anthropic.thinking_signature_invalid", message: `${at}: Invalid \`data\` in \`redacted_thinking\` block` }];
          return [];
        }),
  );
}
