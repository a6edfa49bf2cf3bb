/**
 * The conversation-history rules each provider API enforces on a request body, as pure checks:
 * a body in, the violations out (empty when the real API would take it), each with the message
 * the real API answers where it is known. Used by the provider simulator, which answers 400
 * where the real API does, and meant as the request builders' pre-flight check. Pure: no Node or
 * workerd APIs, no I/O. Bodies are read structurally, not through zod: a malformed body is
 * exactly what this module is asked about, and indexes must stay those of the wire.
 *
 * Sources of the texts are noted per rule; `unverified` marks wording no public report quotes.
 */
import type { ProviderId } from "@maestro/protocol";

export interface WireViolation {
  /** Stable name of the broken rule (tests and logs key on it, not on the text). */
  readonly rule: WireRule;
  /** What the real API answers, in its words. */
  readonly message: string;
  /** OpenAI's `param`: where in the body. */
  readonly param?: string;
  /** OpenAI's `code` (null for most history errors). */
  readonly code?: string;
}

export type WireRule =
  | "anthropic.first_message_user"
  | "anthropic.thinking_signature_missing"
  | "anthropic.thinking_signature_empty"
  | "anthropic.redacted_thinking_data_missing"
  | "anthropic.tool_use_id_duplicate"
  | "anthropic.tool_use_unanswered"
  | "anthropic.tool_result_unexpected"
  | "anthropic.thinking_block_required"
  | "anthropic.thinking_while_disabled"
  // Only the issuer can verify a signature: the simulator checks these two (its formats' verifySignatures).
  | "anthropic.thinking_signature_invalid"
  | "gemini.thought_signature_invalid"
  | "chat.arguments_not_string"
  | "chat.tool_calls_unanswered"
  | "chat.tool_message_without_call"
  | "chat.tool_call_id_unknown"
  | "responses.arguments_not_string"
  | "responses.call_id_missing"
  | "responses.reasoning_summary_missing"
  | "responses.reasoning_summary_invalid"
  | "responses.function_call_unanswered"
  | "responses.function_call_output_duplicate"
  | "responses.function_call_output_orphan"
  | "gemini.function_call_turn_position"
  | "gemini.function_response_count"
  | "gemini.function_response_mismatch"
  | "gemini.function_response_turn_position"
  | "gemini.thought_signature_missing";

export interface WireContext {
  /** The model asked for (Gemini carries it in the URL, not the body). */
  readonly model: string;
}

export type WireChecker = (body: unknown, context: WireContext) => WireViolation[];

// ── Reading bodies ─────────────────────────────────────────────────────────────────────────

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const recordOf = (value: unknown): Json => (isRecord(value) ? value : {});
/** An array's entries as records, keeping the wire's indexes (a non-object entry reads as {}). */
const recordsOf = (value: unknown): Json[] => (Array.isArray(value) ? value.map(recordOf) : []);
const stringOf = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** How OpenAI names a value's type in "expected a string, but got … instead". */
function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal";
  return `a ${typeof value}`;
}

// ── Anthropic Messages ─────────────────────────────────────────────────────────────────────

/** Text in the API's 400 (messages.N.content.0.type: …), quoted in many public reports. */
const THINKING_REQUIRED =
  "When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of " +
  "`tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this " +
  "requirement, disable `thinking`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking";

/** A message's content as blocks (a string is one text block). */
const blocksOf = (message: Json): Json[] =>
  typeof message.content === "string" ? [{ type: "text", text: message.content }] : recordsOf(message.content);

const toolUseIds = (message: Json | undefined): string[] =>
  message?.role === "assistant"
    ? blocksOf(message).flatMap((block) => (block.type === "tool_use" && typeof block.id === "string" ? [block.id] : []))
    : [];

/** The tool_result blocks a message starts with: the only ones the API pairs with the calls before. */
function leadingToolResultIds(message: Json | undefined): Set<string> {
  const ids = new Set<string>();
  if (message?.role !== "user") return ids;
  for (const block of blocksOf(message)) {
    if (block.type !== "tool_result") break;
    const id = stringOf(block.tool_use_id);
    if (id !== undefined) ids.add(id);
  }
  return ids;
}

/** Field-level checks, which the API runs before the history checks. */
function anthropicBlockShapes(messages: Json[]): WireViolation[] {
  const violations: WireViolation[] = [];
  const seenToolUseIds = new Set<string>();
  messages.forEach((message, index) => {
    if (message.role !== "assistant") return;
    blocksOf(message).forEach((block, blockIndex) => {
      const at = `messages.${index}.content.${blockIndex}`;
      if (block.type === "thinking") {
        // "messages.1.content.0.thinking.signature: Field required" (AIClient2API#437, Antigravity-Manager#1650).
        if (typeof block.signature !== "string")
          violations.push({ rule: "anthropic.thinking_signature_missing", message: `${at}.thinking.signature: Field required` });
        // An empty signature is present but cannot verify (anthropic-sdk-python#1598: any difference fails).
        else if (block.signature.length === 0)
          violations.push({ rule: "anthropic.thinking_signature_empty", message: `${at}: Invalid \`signature\` in \`thinking\` block` });
      } else if (block.type === "redacted_thinking" && (typeof block.data !== "string" || block.data.length === 0)) {
        // Same pydantic wording as the signature case (unverified for `data`).
        violations.push({ rule: "anthropic.redacted_thinking_data_missing", message: `${at}.redacted_thinking.data: Field required` });
      } else if (block.type === "tool_use" && typeof block.id === "string") {
        // "messages.1.content.1: `tool_use` ids must be unique" (claude-code#20901, opencode#1279).
        if (seenToolUseIds.has(block.id))
          violations.push({ rule: "anthropic.tool_use_id_duplicate", message: `${at}: \`tool_use\` ids must be unique` });
        seenToolUseIds.add(block.id);
      }
    });
  });
  return violations;
}

function anthropicHistory(messages: Json[]): WireViolation[] {
  const violations: WireViolation[] = [];
  messages.forEach((message, index) => {
    if (message.role === "assistant") {
      // The results must open the very next message: a text block before them hides them
      // (live-verified in QwenLM/qwen-code#8165). Text from claude-code#1237, #5989 and many more.
      const answered = leadingToolResultIds(messages[index + 1]);
      const missing = toolUseIds(message).filter((id) => !answered.has(id));
      if (missing.length > 0)
        violations.push({
          rule: "anthropic.tool_use_unanswered",
          message:
            `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. ` +
            "Each `tool_use` block must have a corresponding `tool_result` block in the next message.",
        });
    } else if (message.role === "user") {
      const calls = new Set(toolUseIds(messages[index - 1]));
      blocksOf(message).forEach((block, blockIndex) => {
        const id = stringOf(block.tool_use_id);
        if (block.type !== "tool_result" || id === undefined || calls.has(id)) return;
        // Text from claude-code#13460, #18947 and CLIProxyAPI#497.
        violations.push({
          rule: "anthropic.tool_result_unexpected",
          message:
            `messages.${index}.content.${blockIndex}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. ` +
            "Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
        });
      });
    }
  });
  return violations;
}

/** Thinking on: an unfinished tool loop's last assistant message opens with (redacted) thinking. */
function anthropicThinking(messages: Json[], thinkingEnabled: boolean): WireViolation[] {
  const last = messages.at(-1);
  if (last === undefined) return [];
  const lastIndex = messages.length - 1;
  if (!thinkingEnabled) {
    if (last.role !== "assistant") return [];
    // forgecode#1853: an assistant prefill may not carry thinking when thinking is off.
    const blockIndex = blocksOf(last).findIndex((block) => block.type === "thinking" || block.type === "redacted_thinking");
    return blockIndex < 0
      ? []
      : [
          {
            rule: "anthropic.thinking_while_disabled",
            message:
              `messages.${lastIndex}.content.${blockIndex}: When thinking is disabled, an \`assistant\` message in the final ` +
              "position cannot contain `thinking`. To use thinking blocks, enable `thinking` in your request.",
          },
        ];
  }
  const inToolLoop = last.role === "user" && blocksOf(last)[0]?.type === "tool_result";
  if (!inToolLoop) return [];
  const assistantIndex = messages.findLastIndex((message) => message.role === "assistant");
  const first = assistantIndex < 0 ? undefined : blocksOf(messages[assistantIndex] ?? {})[0];
  if (first === undefined || first.type === "thinking" || first.type === "redacted_thinking") return [];
  // Text from anomalyco/opencode#3077, Kilo-Org/kilocode#5219, mastra#7799.
  return [
    {
      rule: "anthropic.thinking_block_required",
      message: `messages.${assistantIndex}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first.type)}\`. ${THINKING_REQUIRED}`,
    },
  ];
}

export function checkAnthropicRequest(body: unknown): WireViolation[] {
  const request = recordOf(body);
  const messages = recordsOf(request.messages);
  const thinking = recordOf(request.thinking);
  const thinkingEnabled = thinking.type === "enabled" || thinking.type === "adaptive";
  const violations: WireViolation[] = [];
  // lobehub#1601: `messages: first message must use the "user" role`.
  if (messages.length > 0 && messages[0]?.role !== "user")
    violations.push({ rule: "anthropic.first_message_user", message: 'messages: first message must use the "user" role' });
  return [...violations, ...anthropicBlockShapes(messages), ...anthropicHistory(messages), ...anthropicThinking(messages, thinkingEnabled)];
}

// ── OpenAI Chat Completions ────────────────────────────────────────────────────────────────

const chatCallIds = (message: Json | undefined): string[] =>
  message?.role === "assistant" ? recordsOf(message.tool_calls).flatMap((call) => (typeof call.id === "string" ? [call.id] : [])) : [];

export function checkChatRequest(body: unknown): WireViolation[] {
  const messages = recordsOf(recordOf(body).messages);
  const shapes: WireViolation[] = [];
  const history: WireViolation[] = [];
  messages.forEach((message, index) => {
    if (message.role === "assistant") {
      recordsOf(message.tool_calls).forEach((call, callIndex) => {
        const args = recordOf(call.function).arguments;
        if (typeof args === "string") return;
        // goose-mobile#20 quotes the whole body: type invalid_request_error, code invalid_type.
        const param = `messages[${index}].tool_calls[${callIndex}].function.arguments`;
        shapes.push({
          rule: "chat.arguments_not_string",
          message: `Invalid type for '${param}': expected a string, but got ${typeName(args)} instead.`,
          param,
          code: "invalid_type",
        });
      });
      const ids = chatCallIds(message);
      if (ids.length === 0) return;
      let next = index + 1;
      const answered = new Set<string>();
      for (; messages[next]?.role === "tool"; next += 1) answered.add(stringOf(messages[next]?.tool_call_id) ?? "");
      const missing = ids.filter((id) => !answered.has(id));
      // Text and param shape from sdcb/chats#132 and CLIProxyAPI#2798.
      if (missing.length > 0)
        history.push({
          rule: "chat.tool_calls_unanswered",
          message:
            "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. " +
            `The following tool_call_ids did not have response messages: ${missing.join(", ")}`,
          param: `messages.[${next < messages.length ? next : index}].role`,
        });
    } else if (message.role === "tool") {
      let owner = index - 1;
      while (messages[owner]?.role === "tool") owner -= 1;
      const ids = chatCallIds(messages[owner]);
      const id = stringOf(message.tool_call_id) ?? "";
      // The API's own spelling, "preceeding" (morphic#136, sdcb/chats#132).
      if (ids.length === 0)
        history.push({
          rule: "chat.tool_message_without_call",
          message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          param: `messages.[${index}].role`,
        });
      // dapr/dapr-agents#145.
      else if (!ids.includes(id))
        history.push({
          rule: "chat.tool_call_id_unknown",
          message: `Invalid parameter: 'tool_call_id' of '${id}' not found in 'tool_calls' of previous message.`,
          param: `messages.[${index}].tool_call_id`,
        });
    }
  });
  return [...shapes, ...history];
}

// ── OpenAI Responses (and Codex) ───────────────────────────────────────────────────────────

function responsesItemShape(item: Json, index: number): WireViolation[] {
  const at = `input[${index}]`;
  if (item.type === "function_call" || item.type === "function_call_output") {
    if (typeof item.call_id !== "string")
      return [
        {
          rule: "responses.call_id_missing",
          message: `Missing required parameter: '${at}.call_id'.`,
          param: `${at}.call_id`,
          code: "missing_required_parameter",
        },
      ];
    if (item.type === "function_call" && typeof item.arguments !== "string")
      return [
        {
          rule: "responses.arguments_not_string",
          message: `Invalid type for '${at}.arguments': expected a string, but got ${typeName(item.arguments)} instead.`,
          param: `${at}.arguments`,
          code: "invalid_type",
        },
      ];
    return [];
  }
  if (item.type !== "reasoning") return [];
  // "Missing required parameter: 'input[N].summary'." (lidge-jun/opencodex#4673; OmniRoute#11129).
  if (item.summary === undefined)
    return [
      {
        rule: "responses.reasoning_summary_missing",
        message: `Missing required parameter: '${at}.summary'.`,
        param: `${at}.summary`,
        code: "missing_required_parameter",
      },
    ];
  if (!Array.isArray(item.summary))
    return [
      {
        rule: "responses.reasoning_summary_invalid",
        message: `Invalid type for '${at}.summary': expected an array, but got ${typeName(item.summary)} instead.`,
        param: `${at}.summary`,
        code: "invalid_type",
      },
    ];
  return recordsOf(item.summary).flatMap((part, partIndex): WireViolation[] => {
    const partAt = `${at}.summary[${partIndex}]`;
    if (part.type !== "summary_text")
      return [
        {
          rule: "responses.reasoning_summary_invalid",
          message: `Invalid value: '${String(part.type)}'. Supported values are: 'summary_text'.`,
          param: `${partAt}.type`,
          code: "invalid_value",
        },
      ];
    return typeof part.text === "string"
      ? []
      : [
          {
            rule: "responses.reasoning_summary_invalid",
            message: `Missing required parameter: '${partAt}.text'.`,
            param: `${partAt}.text`,
            code: "missing_required_parameter",
          },
        ];
  });
}

export function checkResponsesRequest(body: unknown): WireViolation[] {
  const input = recordOf(body).input;
  if (!Array.isArray(input)) return [];
  const items = recordsOf(input);
  const shapes = items.flatMap(responsesItemShape);
  const history: WireViolation[] = [];
  const calls = new Set<string>();
  const outputs = new Map<string, number>();
  items.forEach((item) => {
    const callId = stringOf(item.call_id);
    if (callId === undefined) return;
    if (item.type === "function_call") calls.add(callId);
    if (item.type !== "function_call_output") return;
    if (calls.has(callId)) outputs.set(callId, (outputs.get(callId) ?? 0) + 1);
    // vscode#320060 and continuedev/continue#10092 quote the whole body: param "input", code null.
    else
      history.push({
        rule: "responses.function_call_output_orphan",
        message: `No tool call found for function call output with call_id ${callId}.`,
        param: "input",
      });
  });
  for (const callId of calls) {
    const count = outputs.get(callId) ?? 0;
    // tjardoo/openai-client#124 quotes the whole body.
    if (count === 0)
      history.push({
        rule: "responses.function_call_unanswered",
        message: `No tool output found for function call ${callId}.`,
        param: "input",
      });
    // unverified wording: no public report quotes the API on a call answered twice.
    else if (count > 1)
      history.push({
        rule: "responses.function_call_output_duplicate",
        message: `Duplicate function call output found for function call ${callId}.`,
        param: "input",
      });
  }
  return [...shapes, ...history];
}

// ── Gemini generateContent ─────────────────────────────────────────────────────────────────

const partsOf = (content: Json | undefined): Json[] => recordsOf(content?.parts);
const functionCalls = (content: Json | undefined): Json[] =>
  content?.role === "model" ? partsOf(content).flatMap((part) => (isRecord(part.functionCall) ? [part.functionCall] : [])) : [];
const functionResponses = (content: Json | undefined): Json[] =>
  content?.role === "user" ? partsOf(content).flatMap((part) => (isRecord(part.functionResponse) ? [part.functionResponse] : [])) : [];
/** A user turn of the person, not of tool results: where the current function-calling loop starts. */
const isPlainUserTurn = (content: Json): boolean => content.role === "user" && functionResponses(content).length === 0;

/** Responses answer the calls by name (as a multiset) and, when the calls carry ids, by id. */
function sameCalls(calls: Json[], responses: Json[]): boolean {
  const sorted = (values: unknown[]) => values.map(String).sort().join("\u0000");
  if (sorted(calls.map((call) => call.name)) !== sorted(responses.map((response) => response.name))) return false;
  const ids = calls.flatMap((call) => (typeof call.id === "string" ? [call.id] : []));
  return ids.length === 0 || sorted(ids) === sorted(responses.map((response) => response.id));
}

/** Gemini 3 refuses a function-calling step of the current turn without its thought signature. */
const enforcesThoughtSignatures = (model: string) => /^(models\/)?gemini-3/.test(model);

function geminiThoughtSignatures(contents: Json[]): WireViolation[] {
  const loopStart = contents.findLastIndex(isPlainUserTurn);
  return contents.flatMap((content, index): WireViolation[] => {
    if (index <= loopStart) return [];
    const first = partsOf(content).find((part) => isRecord(part.functionCall));
    if (first === undefined || content.role !== "model") return [];
    const signature = first.thoughtSignature;
    if (typeof signature === "string" && signature.length > 0) return [];
    // Text from Antigravity-Manager#139 and the gemini-cli reports; `position` counts contents from 1.
    return [
      {
        rule: "gemini.thought_signature_missing",
        message:
          "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, " +
          `and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${String(recordOf(first.functionCall).name)}\` , ` +
          `position ${index + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
      },
    ];
  });
}

export function checkGeminiRequest(body: unknown, context: WireContext): WireViolation[] {
  const contents = recordsOf(recordOf(body).contents);
  const violations: WireViolation[] = [];
  contents.forEach((content, index) => {
    const calls = functionCalls(content);
    if (calls.length > 0) {
      // Text from gemini-cli#11814 and #26486.
      if (contents[index - 1]?.role !== "user")
        violations.push({
          rule: "gemini.function_call_turn_position",
          message: "Please ensure that function call turn comes immediately after a user turn or after a function response turn.",
        });
      const responses = functionResponses(contents[index + 1]);
      // Text from gemini-cli#4217, #16415 and many more.
      if (responses.length !== calls.length)
        violations.push({
          rule: "gemini.function_response_count",
          message:
            "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.",
        });
      // unverified wording: no public report quotes the API on a name or id mismatch.
      else if (!sameCalls(calls, responses))
        violations.push({
          rule: "gemini.function_response_mismatch",
          message: "Please ensure that the function response parts match the function call parts of the function call turn by name and id.",
        });
    }
    // langchain#27799.
    if (functionResponses(content).length > 0 && functionCalls(contents[index - 1]).length === 0)
      violations.push({
        rule: "gemini.function_response_turn_position",
        message: "Please ensure that function response turn comes immediately after a function call turn.",
      });
  });
  return enforcesThoughtSignatures(context.model) ? [...violations, ...geminiThoughtSignatures(contents)] : violations;
}

// ── Registry ───────────────────────────────────────────────────────────────────────────────

/** The checker for each wire format, by endpoint (Codex speaks the Responses API). */
export const WIRE_CHECKERS = {
  anthropic: (body, _context) => checkAnthropicRequest(body),
  openai: (body, _context) => checkChatRequest(body),
  openai_responses: (body, _context) => checkResponsesRequest(body),
  codex: (body, _context) => checkResponsesRequest(body),
  gemini: (body, context) => checkGeminiRequest(body, context),
} satisfies Record<ProviderId, WireChecker>;

/** The pre-flight check of the request builders: the messages of every rule a body breaks. */
export function checkWireRequest(provider: ProviderId, body: unknown, context: WireContext): string[] {
  return WIRE_CHECKERS[provider](body, context).map((violation) => violation.message);
}
