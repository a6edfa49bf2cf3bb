/**
 * @anthropic-ai/sdk as the witness for the Anthropic corpus: its MessageStream assembles the
 * message (thinking with signatures, redacted thinking, text, tool inputs, usage) exactly as an
 * application using the SDK would, and throws on an `error` event or a body that ends early.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { SdkAcceptor } from "./acceptor.ts";

type Message = Anthropic.Messages.Message;

function describeBlock(block: Message["content"][number]): unknown {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "thinking":
      return { type: "thinking", thinking: block.thinking, signature: block.signature };
    case "redacted_thinking":
      return { type: "redacted_thinking", data: block.data };
    case "tool_use":
      // `input` is parsed lazily from the streamed JSON; an input cut short parses partially.
      return { type: "tool_use", id: block.id, name: block.name, input: block.input };
    default:
      return { type: block.type };
  }
}

function summarize(message: Message | undefined): unknown {
  if (message === undefined) return undefined;
  try {
    return {
      content: message.content.map(describeBlock),
      stop_reason: message.stop_reason,
      stop_sequence: message.stop_sequence,
      usage: message.usage,
    };
  } catch (error) {
    return { unreadable: String(error) };
  }
}

export const anthropicAcceptor: SdkAcceptor = async (baseUrl, model) => {
  const client = new Anthropic({ apiKey: "k", baseURL: baseUrl, maxRetries: 0 });
  const stream = client.messages.stream({ model, max_tokens: 1024, messages: [{ role: "user", content: "hi" }] });
  try {
    const message = await stream.finalMessage();
    return { ok: true, summary: summarize(message) };
  } catch (error) {
    return { ok: false, summary: summarize(stream.currentMessage), error: error instanceof Error ? error.message : String(error) };
  }
};
