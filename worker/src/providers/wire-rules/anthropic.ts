/**
 * The history rules of the Anthropic Messages API, with the API's own messages. Sources are
 * noted per rule; `unverified` marks wording no public report quotes.
 */
import { type Json, recordOf, recordsOf, stringOf, type WireViolation } from "./violation.ts";

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
