/**
 * The history rules of OpenAI Chat Completions, with the API's own messages. Sources are
 * noted per rule; `unverified` marks wording no public report quotes.
 */
import { type Json, recordOf, recordsOf, stringOf, typeName, type WireViolation } from "./violation.ts";

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
