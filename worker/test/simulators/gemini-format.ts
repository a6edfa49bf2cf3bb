/** The Gemini API streamGenerateContent (`alt=sse`) format, as the API (and @google/genai) sends it. */
import { chunksOf, type ResolvedTurn } from "./script.ts";
import type { WireFormat } from "./wire-format.ts";

const data = (value: unknown) => `data: ${JSON.stringify(value)}\r\n\r\n`;

export const geminiFormat: WireFormat = {
  overloadedStatus: 503,
  render(turn: ResolvedTurn, model: string): string[] {
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
    for (const step of turn.steps) {
      if (step.kind === "thinking") {
        const pieces = chunksOf(step.text);
        pieces.forEach((text, index) =>
          frames.push(chunk([{ text, thought: true, ...(index === pieces.length - 1 && { thoughtSignature: step.signature }) }])),
        );
      } else if (step.kind === "text") {
        for (const text of chunksOf(step.text)) frames.push(chunk([{ text }]));
      } else {
        // Gemini sends parallel calls together, whole, in one chunk.
        frames.push(
          chunk(step.calls.map((call) => ({ functionCall: { ...(call.id && { id: call.id }), name: call.name, args: call.args } }))),
        );
      }
    }
    frames.push(chunk([{ text: "" }], turn.stopReason === "max_tokens" ? "MAX_TOKENS" : "STOP"));
    return frames;
  },
  errorBody: (status, type) => ({ error: { code: status, message: `simulated ${type}`, status: type.toUpperCase() } }),
};
