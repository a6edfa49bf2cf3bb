/**
 * The openai SDK reading a Chat Completions stream (test/fixtures/streams/openai): `create` with
 * `stream: true` and `include_usage`, every chunk iterated, the way llxprt consumes it. The summary
 * is assembled the forgiving way the real servers need (tool-call deltas without `index` are whole
 * calls, Google's endpoint), so a failing test message shows what the SDK actually delivered.
 */
import OpenAI from "openai";
import type { SdkAcceptor } from "./acceptor.ts";

type LooseDelta = Partial<OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta> & { reasoning_content?: string | null };

interface CallSummary {
  id: string | undefined;
  name: string;
  arguments: string;
}

export const openaiAcceptor: SdkAcceptor = async (baseUrl, model) => {
  const client = new OpenAI({ apiKey: "k", baseURL: baseUrl, maxRetries: 0 });
  const summary = {
    chunks: 0,
    text: "",
    reasoning: "",
    refusal: "",
    calls: [] as CallSummary[],
    finish_reason: null as string | null,
    usage: null as unknown,
  };
  const byIndex = new Map<number, CallSummary>();
  try {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream) {
      summary.chunks += 1;
      if (chunk.usage) summary.usage = chunk.usage;
      const choice = chunk.choices[0];
      if (choice === undefined) continue;
      // OpenAI-compatible servers add fields the SDK does not type (DeepSeek, vLLM: reasoning_content),
      // and Azure's content-filter annotation chunks carry a choice without any delta.
      const delta = (choice as { delta?: LooseDelta }).delta ?? {};
      summary.text += delta.content ?? "";
      summary.reasoning += delta.reasoning_content ?? "";
      summary.refusal += delta.refusal ?? "";
      for (const call of delta.tool_calls ?? []) {
        // Google's endpoint sends each call whole, with its id and no index.
        const index: number | undefined = call.index;
        const known = index === undefined ? undefined : byIndex.get(index);
        if (known === undefined) {
          const fresh = { id: call.id, name: call.function?.name ?? "", arguments: call.function?.arguments ?? "" };
          summary.calls.push(fresh);
          if (index !== undefined) byIndex.set(index, fresh);
        } else {
          known.id ??= call.id;
          known.name += call.function?.name ?? "";
          known.arguments += call.function?.arguments ?? "";
        }
      }
      if (choice.finish_reason) summary.finish_reason = choice.finish_reason;
    }
    return { ok: true, summary };
  } catch (error) {
    return { ok: false, summary, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
};
