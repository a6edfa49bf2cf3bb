/**
 * A conversation that already holds `kb` kilobytes, for `bench/gateway.ts --history-kb`: what a
 * request costs once a session has grown (a body to encode, check and record before it leaves).
 * Turns of a short question and a ~2.7 KB answer of source lines, as a session that reads files
 * accumulates. Direct and Portkey send it as the request's earlier messages; The Maestro's
 * sessions start from an imported session holding the same turns.
 */
import { randomUUID } from "node:crypto";
import { SESSION_EXPORT_FORMAT, SESSION_EXPORT_VERSION } from "@maestro/protocol";

const ANSWER = "const answer = 42; // a line of a source file\n".repeat(60);

export interface ChatMessage {
  readonly role: "user" | "assistant";
  readonly content: string;
}

export function chatHistory(kb: number): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (let index = 0, size = 0; size < kb * 1024; index += 1) {
    const question = `Show me part ${index} of the file.`;
    messages.push({ role: "user", content: question }, { role: "assistant", content: ANSWER });
    size += question.length + ANSWER.length;
  }
  return messages;
}

/** The same turns as a session export (`POST /sessions/import` takes it). */
export function sessionFile(history: readonly ChatMessage[]): unknown {
  const at = Date.now() - history.length * 1000;
  let parent: string | null = null;
  const messages = history.map((message, index) => {
    const id = randomUUID();
    const exported = {
      id,
      parent_id: parent,
      turn_id: null,
      role: message.role,
      content: [{ type: "text", text: message.content }],
      status: "complete",
      provider: message.role === "assistant" ? "openai" : null,
      model: message.role === "assistant" ? "gpt-4.1" : null,
      usage: null,
      cost_usd: null,
      latency_ms: null,
      time_to_first_token_ms: null,
      stop_reason: message.role === "assistant" ? "end_turn" : null,
      error: null,
      created_at: new Date(at + index * 1000).toISOString(),
    };
    parent = id;
    return exported;
  });
  return {
    format: SESSION_EXPORT_FORMAT,
    version: SESSION_EXPORT_VERSION,
    exported_at: new Date().toISOString(),
    session: {
      title: "bench history",
      provider: "openai",
      model: "gpt-4.1",
      system_prompt: null,
      enabled_tools: [],
      enabled_mcp: null,
      approval_mode: "auto",
      compact_at: null,
      context_window: null,
      working_directory: null,
      credential: null,
      created_at: new Date(at).toISOString(),
    },
    leaf_id: parent,
    messages,
  };
}
