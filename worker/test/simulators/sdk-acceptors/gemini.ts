/**
 * @google/genai as the witness for the Gemini corpus: generateContentStream splits the body into
 * events ("\n\n", "\r\r" or "\r\n\r\n"), parses each as a GenerateContentResponse and throws on an
 * error object in the stream or a body that ends inside an event. Every chunk is read.
 */
import { GoogleGenAI } from "@google/genai";
import type { SdkAcceptor } from "./acceptor.ts";

interface Reading {
  chunks: number;
  text: string;
  thoughts: { text: string; signature?: string }[];
  functionCalls: { id?: string; name?: string; args?: unknown; signature?: string }[];
  /** Signatures on non-thought text parts (Gemini 3), in order. */
  textSignatures: string[];
  finishReason?: string;
  blockReason?: string;
  usage?: unknown;
}

export const geminiAcceptor: SdkAcceptor = async (baseUrl, model) => {
  // v1beta, as gemini-cli and the Worker call it.
  const client = new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl, apiVersion: "v1beta" } });
  const reading: Reading = { chunks: 0, text: "", thoughts: [], functionCalls: [], textSignatures: [] };
  try {
    const stream = await client.models.generateContentStream({ model, contents: "hi" });
    for await (const chunk of stream) {
      reading.chunks += 1;
      const candidate = chunk.candidates?.[0];
      for (const part of candidate?.content?.parts ?? []) {
        const signature = part.thoughtSignature === undefined ? {} : { signature: part.thoughtSignature };
        if (part.functionCall) {
          const { id, name, args } = part.functionCall;
          reading.functionCalls.push({ ...(id !== undefined && { id }), name, args, ...signature });
        } else if (part.thought) {
          reading.thoughts.push({ text: part.text ?? "", ...signature });
        } else {
          reading.text += part.text ?? "";
          if (part.thoughtSignature !== undefined) reading.textSignatures.push(part.thoughtSignature);
        }
      }
      reading.finishReason = candidate?.finishReason ?? reading.finishReason;
      reading.blockReason = chunk.promptFeedback?.blockReason ?? reading.blockReason;
      reading.usage = chunk.usageMetadata ?? reading.usage;
    }
    return { ok: true, summary: reading };
  } catch (error) {
    return { ok: false, summary: reading, error: error instanceof Error ? error.message : String(error) };
  }
};
