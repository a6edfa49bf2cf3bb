/**
 * What people bring from elsewhere: an OpenAI Chat Completions `messages` list, as a session's
 * history. System and developer messages become the system prompt; user and assistant text, the
 * assistant's tool calls and the tool messages answering them become the same parts a session
 * stores. Pure; anything it cannot carry over is refused with the path of what it is.
 */
import {
  type ContentPart,
  type ExportedMessage,
  type FieldIssue,
  type MessageId,
  type OpenAIChatMessage,
  type Result,
  type ToolCallId,
  type TurnId,
  err,
  ok,
  parseJson,
} from "@maestro/protocol";

type ToolCallPart = Extract<ContentPart, { type: "tool_call" }>;

export interface ImportedChat {
  readonly systemPrompt: string | null;
  /** A title from the first thing the person said. */
  readonly title: string;
  readonly messages: ExportedMessage[];
}

const TITLE_LENGTH = 60;

function textOf(message: OpenAIChatMessage, at: number, issues: FieldIssue[]): string {
  const { content } = message;
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  return content
    .flatMap((part, index) => {
      if (part.type === "text" && typeof part.text === "string") return [part.text];
      issues.push({ field: `messages.${at}.content.${index}.type`, message: `only text parts can be imported ("${part.type}" is not)` });
      return [];
    })
    .join("\n");
}

function toolCallsOf(message: OpenAIChatMessage, at: number, issues: FieldIssue[]): ToolCallPart[] {
  return (message.tool_calls ?? []).flatMap((call, index): ToolCallPart[] => {
    const parsed = parseJson(call.function.arguments === "" ? "{}" : call.function.arguments);
    const args = parsed.ok ? parsed.value : undefined;
    if (typeof args !== "object" || args === null || Array.isArray(args)) {
      issues.push({ field: `messages.${at}.tool_calls.${index}.function.arguments`, message: "must be a JSON object" });
      return [];
    }
    const record = args as Record<string, unknown>;
    return [
      {
        type: "tool_call",
        call_id: call.id as ToolCallId,
        name: call.function.name,
        args: record,
        // Kept as the model wrote them when that is not what JSON.stringify gives (spacing, key order).
        ...(JSON.stringify(record) !== call.function.arguments && { args_json: call.function.arguments }),
      },
    ];
  });
}

/** The list as messages of a session, each replying to the one before, timed `now` onwards a millisecond apart. */
export function fromOpenAIChat(list: readonly OpenAIChatMessage[], now: Date): Result<ImportedChat, FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const system: string[] = [];
  const messages: ExportedMessage[] = [];
  const callNames = new Map<string, string>();
  let turnId: TurnId | null = null;
  const append = (role: ExportedMessage["role"], content: ContentPart[]) => {
    const previous = messages.at(-1);
    // Consecutive tool messages answer one answer's calls: one stored message, as a session keeps them.
    if (role === "tool" && previous?.role === "tool") {
      previous.content.push(...content);
      return;
    }
    messages.push({
      id: crypto.randomUUID() as MessageId,
      parent_id: previous?.id ?? null,
      turn_id: turnId,
      role,
      content,
      status: "complete",
      provider: null,
      model: null,
      usage: null,
      cost_usd: null,
      latency_ms: null,
      time_to_first_token_ms: null,
      stop_reason: null,
      error: null,
      created_at: new Date(now.getTime() + messages.length).toISOString(),
    });
  };
  list.forEach((message, at) => {
    const text = textOf(message, at, issues);
    switch (message.role) {
      case "system":
      case "developer":
        if (text.length > 0) system.push(text);
        return;
      case "user":
        if (text.trim().length === 0) issues.push({ field: `messages.${at}.content`, message: "a user message needs some text" });
        turnId = crypto.randomUUID() as TurnId;
        append("user", [{ type: "text", text }]);
        return;
      case "assistant": {
        const calls = toolCallsOf(message, at, issues);
        for (const call of calls) callNames.set(call.call_id, call.name);
        append("assistant", [...(text.length > 0 ? [{ type: "text" as const, text }] : []), ...calls]);
        return;
      }
      case "tool": {
        const name = message.tool_call_id === undefined ? undefined : callNames.get(message.tool_call_id);
        if (message.tool_call_id === undefined || name === undefined) {
          issues.push({ field: `messages.${at}.tool_call_id`, message: "must name a tool call of an earlier assistant message" });
          return;
        }
        append("tool", [{ type: "tool_result", call_id: message.tool_call_id as ToolCallId, name, ok: true, output: text }]);
        return;
      }
    }
  });
  if (issues.length > 0) return err(issues);
  const firstWords = messages.find((message) => message.role === "user")?.content.find((part) => part.type === "text");
  const said = firstWords?.type === "text" ? firstWords.text.trim().replace(/\s+/g, " ") : "";
  const title = said.length === 0 ? "Imported conversation" : said.length > TITLE_LENGTH ? `${said.slice(0, TITLE_LENGTH - 1)}…` : said;
  return ok({ systemPrompt: system.length === 0 ? null : system.join("\n\n"), title, messages });
}
