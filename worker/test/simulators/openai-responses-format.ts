/** The OpenAI Responses API streaming format, as the API (and the openai SDK) sends it. */
import { callIdOf, chunksOf, type ResolvedTurn } from "./script.ts";
import { jsonPieces, sse, type RenderContext, type WireFormat } from "./wire-format.ts";

export const openaiResponsesFormat: WireFormat = {
  overloadedStatus: 503,
  render(turn: ResolvedTurn, { model }: RenderContext): string[] {
    const id = `resp_sim${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
    let sequence = 0;
    const event = (type: string, fields: Record<string, unknown>) => sse({ type, sequence_number: sequence++, ...fields }, type);
    const base = {
      id,
      object: "response",
      created_at: Math.floor(Date.now() / 1000),
      model,
      output: [] as unknown[],
      parallel_tool_calls: true,
      tool_choice: "auto",
      tools: [],
    };
    const frames = [
      event("response.created", { response: { ...base, status: "in_progress" } }),
      event("response.in_progress", { response: { ...base, status: "in_progress" } }),
    ];
    const output: unknown[] = [];
    let callCount = 0;
    for (const step of turn.steps) {
      const outputIndex = output.length;
      if (step.kind === "thinking") {
        const item = { id: `rs_sim${outputIndex}`, type: "reasoning", summary: [] as unknown[] };
        frames.push(event("response.output_item.added", { output_index: outputIndex, item }));
        const at = { item_id: item.id, output_index: outputIndex, summary_index: 0 };
        frames.push(event("response.reasoning_summary_part.added", { ...at, part: { type: "summary_text", text: "" } }));
        for (const delta of chunksOf(step.text)) frames.push(event("response.reasoning_summary_text.delta", { ...at, delta }));
        frames.push(event("response.reasoning_summary_text.done", { ...at, text: step.text }));
        frames.push(event("response.reasoning_summary_part.done", { ...at, part: { type: "summary_text", text: step.text } }));
        const done = { ...item, summary: [{ type: "summary_text", text: step.text }] };
        frames.push(event("response.output_item.done", { output_index: outputIndex, item: done }));
        output.push(done);
      } else if (step.kind === "text") {
        const item = { id: `msg_sim${outputIndex}`, type: "message", role: "assistant", status: "in_progress", content: [] as unknown[] };
        frames.push(event("response.output_item.added", { output_index: outputIndex, item }));
        frames.push(
          event("response.content_part.added", {
            item_id: item.id,
            output_index: outputIndex,
            content_index: 0,
            part: { type: "output_text", text: "", annotations: [] },
          }),
        );
        for (const delta of chunksOf(step.text))
          frames.push(
            event("response.output_text.delta", { item_id: item.id, output_index: outputIndex, content_index: 0, delta, logprobs: [] }),
          );
        frames.push(
          event("response.output_text.done", {
            item_id: item.id,
            output_index: outputIndex,
            content_index: 0,
            text: step.text,
            logprobs: [],
          }),
        );
        const part = { type: "output_text", text: step.text, annotations: [] };
        frames.push(event("response.content_part.done", { item_id: item.id, output_index: outputIndex, content_index: 0, part }));
        const done = { ...item, status: "completed", content: [part] };
        frames.push(event("response.output_item.done", { output_index: outputIndex, item: done }));
        output.push(done);
      } else {
        for (const call of step.calls) {
          const index = output.length;
          const itemId = `fc_sim${index}`;
          const argumentsText = JSON.stringify(call.args);
          const item = {
            id: itemId,
            type: "function_call",
            status: "in_progress",
            call_id: callIdOf(call, callCount++, "call_"),
            name: call.name,
            arguments: "",
          };
          frames.push(event("response.output_item.added", { output_index: index, item }));
          for (const delta of jsonPieces(argumentsText))
            frames.push(event("response.function_call_arguments.delta", { item_id: itemId, output_index: index, delta }));
          frames.push(event("response.function_call_arguments.done", { item_id: itemId, output_index: index, arguments: argumentsText }));
          const done = { ...item, status: "completed", arguments: argumentsText };
          frames.push(event("response.output_item.done", { output_index: index, item: done }));
          output.push(done);
        }
      }
    }
    const usage = turn.usageOrDefault;
    const input = usage.input_tokens + usage.cache_read_tokens;
    const completed = turn.stopReason === "max_tokens";
    frames.push(
      event(completed ? "response.incomplete" : "response.completed", {
        response: {
          ...base,
          status: completed ? "incomplete" : "completed",
          ...(completed && { incomplete_details: { reason: "max_output_tokens" } }),
          output,
          usage: {
            input_tokens: input,
            input_tokens_details: { cached_tokens: usage.cache_read_tokens },
            output_tokens: usage.output_tokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: input + usage.output_tokens,
          },
        },
      }),
    );
    return frames;
  },
  contextWindowExceeded: (_inputTokens, _contextWindow, { model }) => ({
    status: 200,
    headers: { "x-request-id": `req_sim${crypto.randomUUID().replaceAll("-", "")}` },
    body: contextWindowStream(model),
  }),
  errorBody: (_status, type) => ({ error: { message: `simulated ${type}`, type, param: null, code: type } }),
  invalidRequestBody: (violation) => ({
    error: { message: violation.message, type: "invalid_request_error", param: violation.param ?? null, code: violation.code ?? null },
  }),
};

/** The Responses API's words for an input over the window; they carry no token counts. */
export const CONTEXT_WINDOW_MESSAGE = "Your input exceeds the context window of this model. Please adjust your input and try again.";

/*
 * With stream: true, /v1/responses (and the ChatGPT Codex backend) accepts the request, answers
 * 200, and fails the response inside the stream:
 *   - openai/codex codex-rs/codex-api/src/sse/responses.rs test context_window_error_is_fatal, a
 *     recorded event: {"type":"response.failed","sequence_number":3,"response":{…,"status":"failed",
 *     "error":{"code":"context_length_exceeded","message":"Your input exceeds the context window of
 *     this model. Please adjust your input and try again."},"usage":null,…}}; Codex maps it to
 *     ContextWindowExceeded, and earlier Codex versions showed it as "stream disconnected before
 *     completion: Your input exceeds the context window…" (openai/codex#2921, #4116, #4441).
 *   - james-6-23/codex2api#310 (maintainer): context_length_exceeded "is returned upstream as a
 *     response.failed frame, with no status code".
 *   - sequence_number 3 puts one event between response.in_progress (1) and response.failed: the
 *     `error` event that comes before response.failed in OpenAI's recorded failing streams
 *     (vercel/ai packages/openai/src/responses/__fixtures__/openai-error.1.chunks.txt:
 *     {"type":"error","sequence_number":2,"error":{"type","code","message","param"}}). For this
 *     failure its inner error is {"type":"invalid_request_error","code":"context_length_exceeded",
 *     "message":"Your input exceeds…","param":"input"}, as clients print it (the-open-agent/openagent#2344,
 *     codex2api#415).
 * The HTTP 400 shape, {"error":{"message":"Your input exceeds the context window of this model.
 * Please adjust your input and try again.","type":"invalid_request_error","param":"input","code":
 * "context_length_exceeded"}}, is what a non-streamed Responses call gets (openai/codex#20866, the
 * /responses/compact endpoint); the corpus has it as openai_responses/http-400-context-length-exceeded.
 */
function contextWindowStream(model: string): string {
  const id = `resp_sim${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const base = {
    id,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "in_progress",
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model,
    output: [],
    parallel_tool_calls: true,
    previous_response_id: null,
    tool_choice: "auto",
    tools: [],
    usage: null,
    metadata: {},
  };
  const events: [string, Record<string, unknown>][] = [
    ["response.created", { response: base }],
    ["response.in_progress", { response: base }],
    [
      "error",
      {
        error: { type: "invalid_request_error", code: "context_length_exceeded", message: CONTEXT_WINDOW_MESSAGE, param: "input" },
      },
    ],
    [
      "response.failed",
      { response: { ...base, status: "failed", error: { code: "context_length_exceeded", message: CONTEXT_WINDOW_MESSAGE } } },
    ],
  ];
  return events.map(([type, fields], sequence) => sse({ type, sequence_number: sequence, ...fields }, type)).join("");
}
