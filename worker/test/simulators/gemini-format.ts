/**
 * The Gemini API streamGenerateContent (`alt=sse`) format, as the API (and @google/genai) sends it.
 * Gemini 3 signs the first function call of every response (ai.google.dev thought-signatures) and
 * refuses the next request without it; a signature it never gave out is "Corrupted".
 */
import type { WireViolation } from "../../src/providers/wire-rules.ts";
import { chunksOf, type ResolvedTurn } from "./script.ts";
import {
  type IssuedSignature,
  type IssuedSignatures,
  type RenderContext,
  SIMULATOR_SIGNATURE_PREFIX,
  type WireFormat,
  newSignature,
  signs,
  sseDataValues,
} from "./wire-format.ts";

type Json = Record<string, unknown>;
const recordOf = (value: unknown): Json => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {});
const recordsOf = (value: unknown): Json[] => (Array.isArray(value) ? value.map(recordOf) : []);
const textOf = (value: unknown): string => (typeof value === "string" ? value : "");

const signsFunctionCalls = (model: string) => /^(models\/)?gemini-3/.test(model);

const data = (value: unknown) => `data: ${JSON.stringify(value)}\r\n\r\n`;

export const geminiFormat: WireFormat = {
  overloadedStatus: 503,
  render(turn: ResolvedTurn, { model, key, issue }: RenderContext): string[] {
    const responseId = `sim${crypto.randomUUID().slice(0, 12)}`;
    const usage = turn.usageOrDefault;
    const usageMetadata = {
      promptTokenCount: usage.input_tokens + usage.cache_read_tokens,
      candidatesTokenCount: usage.output_tokens,
      totalTokenCount: usage.input_tokens + usage.cache_read_tokens + usage.output_tokens,
      ...(usage.cache_read_tokens > 0 && { cachedContentTokenCount: usage.cache_read_tokens }),
    };
    const chunk = (parts: unknown[], finishReason?: string) =>
      data({
        candidates: [{ content: { parts, role: "model" }, ...(finishReason && { finishReason }), index: 0 }],
        usageMetadata,
        modelVersion: model,
        responseId,
      });
    const frames: string[] = [];
    let signedCall = false;
    for (const step of turn.steps) {
      if (step.kind === "thinking") {
        issue({ signature: step.signature, text: step.text });
        const pieces = chunksOf(step.text);
        pieces.forEach((text, index) =>
          frames.push(chunk([{ text, thought: true, ...(index === pieces.length - 1 && { thoughtSignature: step.signature }) }])),
        );
      } else if (step.kind === "text") {
        for (const text of chunksOf(step.text)) frames.push(chunk([{ text }]));
      } else {
        // Gemini sends parallel calls together, whole, in one chunk; only the response's first is signed.
        const parts = step.calls.map((call): Json => ({
          functionCall: { ...(call.id && { id: call.id }), name: call.name, args: call.args },
        }));
        if (signsFunctionCalls(model) && !signedCall && parts[0] !== undefined) {
          const signature = newSignature("", key);
          issue({ signature, text: "" });
          parts[0] = { ...parts[0], thoughtSignature: signature };
          signedCall = true;
        }
        frames.push(chunk(parts));
      }
    }
    frames.push(chunk([{ text: "" }], turn.stopReason === "max_tokens" ? "MAX_TOKENS" : "STOP"));
    return frames;
  },
  /*
   * HTTP 400 INVALID_ARGUMENT before any chunk of streamGenerateContent?alt=sse. Recorded body from
   * the Gemini API with an AI Studio key (google-gemini/gemini-cli#4231):
   *   {"error": {"code": 400, "message": "The input token count (3475108) exceeds the maximum number of tokens allowed (1048576).", "status": "INVALID_ARGUMENT"}}
   * and through @google/genai (googleapis/python-genai#2466 via gemini-cli#27197): "400 INVALID_ARGUMENT.
   * {'error': {'code': 400, 'message': 'The input token count (81881) exceeds the maximum number of
   * tokens allowed (65536).', 'status': 'INVALID_ARGUMENT'}}". Google pretty-prints its JSON errors.
   */
  contextWindowExceeded: (inputTokens, contextWindow) => ({
    status: 400,
    headers: { "content-type": "application/json; charset=UTF-8" },
    body: JSON.stringify(
      {
        error: {
          code: 400,
          message: `The input token count (${inputTokens}) exceeds the maximum number of tokens allowed (${contextWindow}).`,
          status: "INVALID_ARGUMENT",
        },
      },
      null,
      2,
    ),
  }),
  errorBody: (status, type) => ({ error: { code: status, message: `simulated ${type}`, status: type.toUpperCase() } }),
  invalidRequestBody: (violation) => ({ error: { code: 400, message: violation.message, status: "INVALID_ARGUMENT" } }),
  signaturesIn,
  verifySignatures,
};

function signaturesIn(body: string): IssuedSignature[] {
  return sseDataValues(body).flatMap((value) =>
    recordsOf(recordOf(value).candidates).flatMap((candidate) =>
      recordsOf(recordOf(candidate.content).parts).flatMap((part) =>
        typeof part.thoughtSignature === "string" ? [{ signature: part.thoughtSignature, text: textOf(part.text) }] : [],
      ),
    ),
  );
}

/**
 * Only signatures of the simulator's own making are judged: one this key was never given is
 * "Corrupted thought signature." (the API's 400, INVALID_ARGUMENT). gemini-cli's placeholder
 * `skip_thought_signature_validator` and signatures from recordings pass.
 */
function verifySignatures(request: Json, issued: IssuedSignatures, key: string): WireViolation[] {
  const forged = recordsOf(request.contents).some(
    (content) =>
      content.role === "model" &&
      recordsOf(content.parts).some(
        (part) =>
          typeof part.thoughtSignature === "string" &&
          part.thoughtSignature.startsWith(SIMULATOR_SIGNATURE_PREFIX) &&
          !issued.has(part.thoughtSignature) &&
          // A call's signature signs no text: one of ours made by an earlier process still checks out.
          !signs(part.thoughtSignature, "", key),
      ),
  );
  return forged ? [{ rule: "gemini.thought_signature_invalid", message: "Corrupted thought signature." }] : [];
}
