/** The Anthropic Messages streaming format, as the API (and @anthropic-ai/sdk) expects it. */
import { callIdOf, chunksOf, type ResolvedTurn } from "./script.ts";
import { jsonPieces, sse, type WireFormat } from "./wire-format.ts";

export const anthropicFormat: WireFormat = {
  overloadedStatus: 529,
  render(turn: ResolvedTurn, model: string): string[] {
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
    for (const step of turn.steps) {
      if (step.kind === "thinking") {
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
  midStreamError: () => sse({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, "error"),
};
