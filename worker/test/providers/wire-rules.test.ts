// Proves: each provider API's history rules, as wire-rules.ts checks them, accept a well-formed
// body and refuse the body the real API refuses, with the real API's message. One row per rule:
// the checker, a valid body, a rejected body, and the violation expected.
import { describe, expect, it } from "vitest";
import {
  type WireContext,
  type WireViolation,
  WIRE_CHECKERS,
  checkAnthropicRequest,
  checkChatRequest,
  checkGeminiRequest,
  checkResponsesRequest,
  checkWireRequest,
} from "../../src/providers/wire-rules.ts";

interface Row {
  readonly name: string;
  readonly check: (body: unknown, context: WireContext) => WireViolation[];
  readonly model?: string;
  readonly valid: unknown;
  readonly rejected: unknown;
  readonly expected: Partial<WireViolation>;
}

// ── Anthropic Messages ─────────────────────────────────────────────────────────────────────

const THINKING = { type: "enabled", budget_tokens: 1024 };
const aUser = { role: "user", content: "read a.ts" };
const aThinking = { type: "thinking", thinking: "I should read it.", signature: "sig-1" };
const aToolUse = (id = "toolu_1") => ({ type: "tool_use", id, name: "read_file", input: { path: "a.ts" } });
const aCall = { role: "assistant", content: [aThinking, aToolUse()] };
const aResult = (...ids: string[]) => ({
  role: "user",
  content: ids.map((id) => ({ type: "tool_result", tool_use_id: id, content: "export {}" })),
});
const anthropic = (messages: unknown[], thinking?: unknown) => ({
  model: "claude-sonnet-4-5",
  max_tokens: 1024,
  messages,
  ...(thinking !== undefined && { thinking }),
});
const aValid = anthropic([aUser, aCall, aResult("toolu_1")], THINKING);

const anthropicRows: Row[] = [
  {
    name: "the first message is the user's",
    check: checkAnthropicRequest,
    valid: aValid,
    rejected: anthropic([{ role: "assistant", content: "Hello." }, aUser]),
    expected: { rule: "anthropic.first_message_user", message: 'messages: first message must use the "user" role' },
  },
  {
    name: "every tool_use is answered in the very next message",
    check: checkAnthropicRequest,
    valid: aValid,
    rejected: anthropic([aUser, aCall, { role: "user", content: "go on" }], THINKING),
    expected: {
      rule: "anthropic.tool_use_unanswered",
      message:
        "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1. " +
        "Each `tool_use` block must have a corresponding `tool_result` block in the next message.",
    },
  },
  {
    name: "the answer's tool_result blocks come first",
    check: checkAnthropicRequest,
    valid: anthropic(
      [aUser, aCall, { role: "user", content: [...aResult("toolu_1").content, { type: "text", text: "and then?" }] }],
      THINKING,
    ),
    rejected: anthropic(
      [aUser, aCall, { role: "user", content: [{ type: "text", text: "here:" }, ...aResult("toolu_1").content] }],
      THINKING,
    ),
    expected: { rule: "anthropic.tool_use_unanswered", message: expect.stringMatching(/^messages\.1: `tool_use` ids were found without/) },
  },
  {
    name: "parallel calls are all answered",
    check: checkAnthropicRequest,
    valid: anthropic(
      [aUser, { role: "assistant", content: [aThinking, aToolUse("toolu_1"), aToolUse("toolu_2")] }, aResult("toolu_2", "toolu_1")],
      THINKING,
    ),
    rejected: anthropic(
      [aUser, { role: "assistant", content: [aThinking, aToolUse("toolu_1"), aToolUse("toolu_2")] }, aResult("toolu_1")],
      THINKING,
    ),
    expected: { message: expect.stringContaining("immediately after: toolu_2.") },
  },
  {
    name: "no tool_result without its tool_use in the previous message",
    check: checkAnthropicRequest,
    valid: aValid,
    rejected: anthropic([aUser, aCall, aResult("toolu_1", "toolu_9")], THINKING),
    expected: {
      rule: "anthropic.tool_result_unexpected",
      message:
        "messages.2.content.1: unexpected `tool_use_id` found in `tool_result` blocks: toolu_9. " +
        "Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
    },
  },
  {
    name: "tool_use ids are unique across the request",
    check: checkAnthropicRequest,
    valid: anthropic(
      [aUser, aCall, aResult("toolu_1"), { role: "assistant", content: [aThinking, aToolUse("toolu_2")] }, aResult("toolu_2")],
      THINKING,
    ),
    rejected: anthropic(
      [aUser, aCall, aResult("toolu_1"), { role: "assistant", content: [aThinking, aToolUse("toolu_1")] }, aResult("toolu_1")],
      THINKING,
    ),
    expected: { rule: "anthropic.tool_use_id_duplicate", message: "messages.3.content.1: `tool_use` ids must be unique" },
  },
  {
    name: "a thinking block carries its signature",
    check: checkAnthropicRequest,
    valid: aValid,
    rejected: anthropic(
      [aUser, { role: "assistant", content: [{ type: "thinking", thinking: "hmm" }, aToolUse()] }, aResult("toolu_1")],
      THINKING,
    ),
    expected: { rule: "anthropic.thinking_signature_missing", message: "messages.1.content.0.thinking.signature: Field required" },
  },
  {
    name: "a thinking block's signature is not empty",
    check: checkAnthropicRequest,
    valid: aValid,
    rejected: anthropic(
      [aUser, { role: "assistant", content: [{ ...aThinking, signature: "" }, aToolUse()] }, aResult("toolu_1")],
      THINKING,
    ),
    expected: { rule: "anthropic.thinking_signature_empty", message: "messages.1.content.0: Invalid `signature` in `thinking` block" },
  },
  {
    name: "a redacted_thinking block carries its data",
    check: checkAnthropicRequest,
    valid: anthropic(
      [aUser, { role: "assistant", content: [{ type: "redacted_thinking", data: "EmwKAhgB" }, aToolUse()] }, aResult("toolu_1")],
      THINKING,
    ),
    rejected: anthropic([aUser, { role: "assistant", content: [{ type: "redacted_thinking" }, aToolUse()] }, aResult("toolu_1")], THINKING),
    expected: { rule: "anthropic.redacted_thinking_data_missing", message: "messages.1.content.0.redacted_thinking.data: Field required" },
  },
  {
    name: "with thinking on, an unfinished tool loop's last assistant message opens with thinking",
    check: checkAnthropicRequest,
    valid: aValid,
    rejected: anthropic(
      [aUser, { role: "assistant", content: [{ type: "text", text: "Reading." }, aToolUse()] }, aResult("toolu_1")],
      THINKING,
    ),
    expected: {
      rule: "anthropic.thinking_block_required",
      message:
        "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `text`. When `thinking` is enabled, " +
        "a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and " +
        "`tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, " +
        "disable `thinking`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking",
    },
  },
  {
    name: "the thinking rule looks at the last assistant message of the loop, not earlier ones",
    check: checkAnthropicRequest,
    // An earlier, finished loop without thinking is fine once the user has spoken since.
    valid: anthropic(
      [
        aUser,
        { role: "assistant", content: [aToolUse("toolu_0")] },
        aResult("toolu_0"),
        { role: "assistant", content: "Done." },
        aUser,
        aCall,
        aResult("toolu_1"),
      ],
      THINKING,
    ),
    rejected: anthropic(
      [aUser, aCall, aResult("toolu_1"), { role: "assistant", content: [aToolUse("toolu_2")] }, aResult("toolu_2")],
      THINKING,
    ),
    expected: {
      rule: "anthropic.thinking_block_required",
      message: expect.stringMatching(/^messages\.3\.content\.0\.type: Expected .* but found `tool_use`/),
    },
  },
  {
    name: "with thinking off, a final assistant message carries no thinking",
    check: checkAnthropicRequest,
    valid: anthropic([aUser, aCall, aResult("toolu_1")]),
    rejected: anthropic([aUser, { role: "assistant", content: [aThinking, { type: "text", text: "The answer is" }] }]),
    expected: {
      rule: "anthropic.thinking_while_disabled",
      message:
        "messages.1.content.0: When thinking is disabled, an `assistant` message in the final position cannot contain `thinking`. " +
        "To use thinking blocks, enable `thinking` in your request.",
    },
  },
];

// ── OpenAI Chat Completions ────────────────────────────────────────────────────────────────

const cSystem = { role: "system", content: "sys" };
const cUser = { role: "user", content: "read a.ts" };
const cCall = (...ids: string[]) => ({
  role: "assistant",
  content: null,
  tool_calls: ids.map((id) => ({ id, type: "function", function: { name: "read_file", arguments: '{"path":"a.ts"}' } })),
});
const cTool = (id: string) => ({ role: "tool", tool_call_id: id, content: "export {}" });
const chat = (messages: unknown[]) => ({ model: "gpt-4.1", messages, stream: true });
const cValid = chat([cSystem, cUser, cCall("call_1", "call_2"), cTool("call_2"), cTool("call_1"), { role: "assistant", content: "Done." }]);

const chatRows: Row[] = [
  {
    name: "function arguments are a JSON string",
    check: checkChatRequest,
    valid: cValid,
    rejected: chat([
      cSystem,
      cUser,
      { ...cCall(), tool_calls: [{ id: "call_1", type: "function", function: { name: "read_file", arguments: { path: "a.ts" } } }] },
      cTool("call_1"),
    ]),
    expected: {
      rule: "chat.arguments_not_string",
      message: "Invalid type for 'messages[2].tool_calls[0].function.arguments': expected a string, but got an object instead.",
      param: "messages[2].tool_calls[0].function.arguments",
      code: "invalid_type",
    },
  },
  {
    name: "every tool call is answered by tool messages right after it",
    check: checkChatRequest,
    valid: cValid,
    rejected: chat([cSystem, cUser, cCall("call_1", "call_2"), cTool("call_1"), cUser]),
    expected: {
      rule: "chat.tool_calls_unanswered",
      message:
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. " +
        "The following tool_call_ids did not have response messages: call_2",
      param: "messages.[4].role",
    },
  },
  {
    name: "no user message between the calls and their answers",
    check: checkChatRequest,
    valid: cValid,
    rejected: chat([cSystem, cUser, cCall("call_1"), cUser, cTool("call_1")]),
    expected: { rule: "chat.tool_calls_unanswered", param: "messages.[3].role" },
  },
  {
    name: "a tool message answers a preceding message with tool_calls",
    check: checkChatRequest,
    valid: cValid,
    rejected: chat([cSystem, cUser, cTool("call_1")]),
    expected: {
      rule: "chat.tool_message_without_call",
      message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
      param: "messages.[2].role",
    },
  },
  {
    name: "a tool message answers one of the calls",
    check: checkChatRequest,
    valid: cValid,
    rejected: chat([cSystem, cUser, cCall("call_1"), cTool("call_1"), cTool("call_9")]),
    expected: {
      rule: "chat.tool_call_id_unknown",
      message: "Invalid parameter: 'tool_call_id' of 'call_9' not found in 'tool_calls' of previous message.",
    },
  },
];

// ── OpenAI Responses ───────────────────────────────────────────────────────────────────────

const rUser = { role: "user", content: "read a.ts" };
const rCall = (id = "call_1") => ({ type: "function_call", call_id: id, name: "read_file", arguments: '{"path":"a.ts"}' });
const rOutput = (id = "call_1") => ({ type: "function_call_output", call_id: id, output: "export {}" });
const rReasoning = { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Read it first." }] };
const responses = (input: unknown) => ({ model: "gpt-5", input, stream: true });
const rValid = responses([rUser, rReasoning, rCall("call_1"), rCall("call_2"), rOutput("call_2"), rOutput("call_1")]);

const responsesRows: Row[] = [
  {
    name: "every function call has its output",
    check: checkResponsesRequest,
    valid: rValid,
    rejected: responses([rUser, rCall("call_1"), rCall("call_2"), rOutput("call_1")]),
    expected: { rule: "responses.function_call_unanswered", message: "No tool output found for function call call_2.", param: "input" },
  },
  {
    name: "every output has its call before it",
    check: checkResponsesRequest,
    valid: rValid,
    rejected: responses([rUser, rOutput("call_1"), rCall("call_1")]),
    expected: {
      rule: "responses.function_call_output_orphan",
      message: "No tool call found for function call output with call_id call_1.",
      param: "input",
    },
  },
  {
    name: "a call has exactly one output",
    check: checkResponsesRequest,
    valid: rValid,
    rejected: responses([rUser, rCall(), rOutput(), rOutput()]),
    expected: { rule: "responses.function_call_output_duplicate" },
  },
  {
    name: "function call arguments are a string",
    check: checkResponsesRequest,
    valid: rValid,
    rejected: responses([rUser, { ...rCall(), arguments: { path: "a.ts" } }, rOutput()]),
    expected: {
      rule: "responses.arguments_not_string",
      message: "Invalid type for 'input[1].arguments': expected a string, but got an object instead.",
      param: "input[1].arguments",
    },
  },
  {
    name: "a reasoning item has its summary array",
    check: checkResponsesRequest,
    valid: responses([rUser, { type: "reasoning", id: "rs_1", summary: [] }, rCall(), rOutput()]),
    rejected: responses([rUser, { type: "reasoning", id: "rs_1" }, rCall(), rOutput()]),
    expected: {
      rule: "responses.reasoning_summary_missing",
      message: "Missing required parameter: 'input[1].summary'.",
      param: "input[1].summary",
      code: "missing_required_parameter",
    },
  },
  {
    name: "a reasoning summary holds summary_text parts",
    check: checkResponsesRequest,
    valid: rValid,
    rejected: responses([rUser, { type: "reasoning", id: "rs_1", summary: [{ type: "text", text: "hmm" }] }]),
    expected: {
      rule: "responses.reasoning_summary_invalid",
      message: "Invalid value: 'text'. Supported values are: 'summary_text'.",
      param: "input[1].summary[0].type",
    },
  },
];

// ── Gemini ─────────────────────────────────────────────────────────────────────────────────

const gUser = { role: "user", parts: [{ text: "read a.ts" }] };
const gCall = (...names: string[]) => ({ role: "model", parts: names.map((name) => ({ functionCall: { name, args: {} } })) });
const gSignedCall = (signature: string, ...names: string[]) => {
  const call = gCall(...names);
  return { ...call, parts: call.parts.map((part, index) => (index === 0 ? { ...part, thoughtSignature: signature } : part)) };
};
const gResponse = (...names: string[]) => ({
  role: "user",
  parts: names.map((name) => ({ functionResponse: { name, response: { output: "ok" } } })),
});
const gemini = (contents: unknown[]) => ({ contents, generationConfig: { temperature: 1 } });
const gValid = gemini([gUser, gCall("read_file", "glob"), gResponse("glob", "read_file"), { role: "model", parts: [{ text: "Done." }] }]);

const geminiRows: Row[] = [
  {
    name: "a function call turn is answered by as many function responses",
    check: checkGeminiRequest,
    valid: gValid,
    rejected: gemini([gUser, gCall("read_file", "glob"), gResponse("read_file")]),
    expected: {
      rule: "gemini.function_response_count",
      message:
        "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.",
    },
  },
  {
    name: "a function call turn is answered at all",
    check: checkGeminiRequest,
    valid: gValid,
    rejected: gemini([gUser, gCall("read_file"), gUser]),
    expected: { rule: "gemini.function_response_count" },
  },
  {
    name: "the responses answer the calls by name",
    check: checkGeminiRequest,
    valid: gValid,
    rejected: gemini([gUser, gCall("read_file"), gResponse("glob")]),
    expected: { rule: "gemini.function_response_mismatch" },
  },
  {
    name: "the responses answer the calls by id when the calls have ids",
    check: checkGeminiRequest,
    valid: gemini([
      gUser,
      { role: "model", parts: [{ functionCall: { id: "c1", name: "read_file", args: {} } }] },
      { role: "user", parts: [{ functionResponse: { id: "c1", name: "read_file", response: {} } }] },
    ]),
    rejected: gemini([
      gUser,
      { role: "model", parts: [{ functionCall: { id: "c1", name: "read_file", args: {} } }] },
      { role: "user", parts: [{ functionResponse: { id: "c2", name: "read_file", response: {} } }] },
    ]),
    expected: { rule: "gemini.function_response_mismatch" },
  },
  {
    name: "a function call turn comes right after a user turn or a function response turn",
    check: checkGeminiRequest,
    valid: gemini([gUser, gCall("read_file"), gResponse("read_file"), gCall("glob"), gResponse("glob")]),
    rejected: gemini([gUser, { role: "model", parts: [{ text: "Let me look." }] }, gCall("read_file"), gResponse("read_file")]),
    expected: {
      rule: "gemini.function_call_turn_position",
      message: "Please ensure that function call turn comes immediately after a user turn or after a function response turn.",
    },
  },
  {
    name: "a function response turn comes right after a function call turn",
    check: checkGeminiRequest,
    valid: gValid,
    rejected: gemini([gUser, gResponse("read_file")]),
    expected: {
      rule: "gemini.function_response_turn_position",
      message: "Please ensure that function response turn comes immediately after a function call turn.",
    },
  },
  {
    name: "Gemini 3: the first call of each step of the current loop is signed",
    check: checkGeminiRequest,
    model: "gemini-3-pro-preview",
    valid: gemini([
      gUser,
      gSignedCall("sig-a", "read_file", "glob"),
      gResponse("read_file", "glob"),
      gSignedCall("sig-b", "grep"),
      gResponse("grep"),
    ]),
    rejected: gemini([gUser, gSignedCall("sig-a", "read_file"), gResponse("read_file"), gCall("grep"), gResponse("grep")]),
    expected: {
      rule: "gemini.thought_signature_missing",
      message:
        "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and " +
        "missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:grep` , " +
        "position 4. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.",
    },
  },
  {
    name: "Gemini 3: gemini-cli's placeholder signature passes; turns before the user's last text are not checked",
    check: checkGeminiRequest,
    model: "gemini-3-flash-preview",
    valid: gemini([
      gUser,
      gCall("read_file"),
      gResponse("read_file"),
      gUser,
      gSignedCall("skip_thought_signature_validator", "glob"),
      gResponse("glob"),
    ]),
    rejected: gemini([gUser, gCall("read_file"), gResponse("read_file"), gUser, gCall("glob"), gResponse("glob")]),
    expected: { rule: "gemini.thought_signature_missing", message: expect.stringContaining("`default_api:glob` , position 5.") },
  },
];

const ROWS: Record<string, Row[]> = {
  anthropic: anthropicRows,
  openai: chatRows,
  openai_responses: responsesRows,
  gemini: geminiRows,
};

for (const [format, rows] of Object.entries(ROWS)) {
  describe(`${format} history rules`, () => {
    for (const row of rows) {
      it(row.name, () => {
        const context = { model: row.model ?? "model" };
        expect(row.check(row.valid, context)).toEqual([]);
        expect(row.check(row.rejected, context)).toContainEqual(expect.objectContaining(row.expected));
      });
    }
  });
}

describe("registry", () => {
  it("has a checker per endpoint, Codex sharing the Responses rules", () => {
    expect(Object.keys(WIRE_CHECKERS).sort()).toEqual(["anthropic", "codex", "gemini", "openai", "openai_responses"]);
    expect(WIRE_CHECKERS.codex(responses([rUser, rCall()]), { model: "gpt-5.5" })).toEqual(
      checkResponsesRequest(responses([rUser, rCall()])),
    );
  });

  it("gives the pre-flight check the real API's messages", () => {
    expect(checkWireRequest("openai", cValid, { model: "gpt-4.1" })).toEqual([]);
    expect(checkWireRequest("anthropic", anthropic([aUser, aCall], THINKING), { model: "claude-sonnet-4-5" })).toEqual([
      expect.stringMatching(/^messages\.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_1\./),
    ]);
  });

  it("Gemini before 3 does not require thought signatures", () => {
    const unsigned = gemini([gUser, gCall("read_file"), gResponse("read_file")]);
    expect(checkGeminiRequest(unsigned, { model: "gemini-2.5-pro" })).toEqual([]);
    expect(checkGeminiRequest(unsigned, { model: "gemini-3-pro-preview" })).toHaveLength(1);
  });

  it("takes string input and a body without history as they are", () => {
    expect(checkResponsesRequest({ model: "gpt-5", input: "hi" })).toEqual([]);
    expect(checkChatRequest({ model: "gpt-4.1", messages: [cUser] })).toEqual([]);
    expect(checkAnthropicRequest({ model: "claude-haiku-4-5", messages: [aUser] })).toEqual([]);
  });
});
