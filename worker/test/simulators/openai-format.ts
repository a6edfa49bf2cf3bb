/** The OpenAI Chat Completions streaming format, as the API (and the openai SDK) sends it. */
import { callIdOf, chunksOf, type ResolvedTurn } from "./script.ts";
import { jsonPieces, type RenderContext, type WireFormat } from "./wire-format.ts";

const data = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

export const openaiFormat: WireFormat = {
  overloadedStatus: 503,
  render(turn: ResolvedTurn, { model }: RenderContext): string[] {
    const id = `chatcmpl-sim${crypto.randomUUID().slice(0, 12)}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      data({
        id,
        object: "chat.completion.chunk",
        created,
        model,
        system_fingerprint: null,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      });
    const frames = [chunk({ role: "assistant", content: "", refusal: null })];
    let toolIndex = 0;
    for (const step of turn.steps) {
      if (step.kind === "thinking") for (const text of chunksOf(step.text)) frames.push(chunk({ reasoning_content: text }));
      else if (step.kind === "text") for (const text of chunksOf(step.text)) frames.push(chunk({ content: text }));
      else {
        for (const call of step.calls) {
          const index = toolIndex++;
          frames.push(
            chunk({
              tool_calls: [{ index, id: callIdOf(call, index, "call_"), type: "function", function: { name: call.name, arguments: "" } }],
            }),
          );
          for (const piece of jsonPieces(JSON.stringify(call.args)))
            frames.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
        }
      }
    }
    const finish = turn.stopReason === "tool_use" ? "tool_calls" : turn.stopReason === "max_tokens" ? "length" : "stop";
    frames.push(chunk({}, finish));
    const usage = turn.usageOrDefault;
    const prompt = usage.input_tokens + usage.cache_read_tokens;
    frames.push(
      data({
        id,
        object: "chat.completion.chunk",
        created,
        model,
        choices: [],
        usage: {
          prompt_tokens: prompt,
          completion_tokens: usage.output_tokens,
          total_tokens: prompt + usage.output_tokens,
          prompt_tokens_details: { cached_tokens: usage.cache_read_tokens },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      }),
    );
    frames.push("data: [DONE]\n\n");
    return frames;
  },
  /*
   * HTTP 400 before any chunk, also with stream: true (coder aibridge fixture
   * chatcompletions/non_stream_error.txtar: a stream: true request answered 400 context_length_exceeded).
   * Recorded body (chathub-dev/chathub#126; crewAIInc/crewAI-examples#121, openai-python BadRequestError):
   *   {"error":{"message":"This model's maximum context length is 4097 tokens. However, your messages resulted in 4294 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}
   * Code per https://platform.openai.com/docs/guides/error-codes. (Newer models word it "Input tokens
   * exceed the configured limit of 272000 tokens. Your messages resulted in … tokens."; same code.)
   */
  contextWindowExceeded: (inputTokens, contextWindow) => ({
    status: 400,
    headers: { "x-request-id": `req_sim${crypto.randomUUID().replaceAll("-", "")}` },
    body: JSON.stringify({
      error: {
        message: `This model's maximum context length is ${contextWindow} tokens. However, your messages resulted in ${inputTokens} tokens. Please reduce the length of the messages.`,
        type: "invalid_request_error",
        param: "messages",
        code: "context_length_exceeded",
      },
    }),
  }),
  errorBody: (_status, type) => ({ error: { message: `simulated ${type}`, type, param: null, code: type } }),
  invalidRequestBody: (violation) => ({
    error: { message: violation.message, type: "invalid_request_error", param: violation.param ?? null, code: violation.code ?? null },
  }),
};
