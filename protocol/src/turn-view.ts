/**
 * One turn read out of the transcript fold: its answer's text (each model step a paragraph), its
 * tool calls with their results, what it waits for, and how it ended. `maestro send` prints from
 * it, live or after a resume that came back as a snapshot, so no client folds frames itself.
 * Pure; everything comes from `Transcript`.
 */
import type { ContentPart, Message } from "./rest/messages.ts";
import type { TurnStatus } from "./session-socket.ts";
import { type ToolResult, type Transcript, storedToolCard } from "./transcript.ts";

/** One tool call of the turn: complete arguments once formed, the result once it ran. */
export interface TurnCall {
  readonly callId: string;
  readonly name: string;
  readonly args: Readonly<Record<string, unknown>> | null;
  readonly result: ToolResult | null;
}

export interface TurnView {
  readonly turnId: string;
  /** Every step's text so far, stored steps then the one streaming, separated by STEP_BREAK. */
  readonly text: string;
  readonly calls: readonly TurnCall[];
  /** Calls waiting for someone's approval. */
  readonly awaitingApproval: readonly TurnCall[];
  /** The error the turn streamed, if any. */
  readonly error: string | null;
  /** Null while the turn runs (or has not been seen yet); then how it ended. */
  readonly ended: { readonly status: TurnStatus; readonly problem: string | null } | null;
}

/** Between the text of two model steps (a tool call came in between). */
export const STEP_BREAK = "\n\n";

export type StoredResult = Extract<ContentPart, { type: "tool_result" }>;

/** The stored result of every call in these messages, by call id: what a stored call's card shows (`storedToolCard`). */
export function storedResults(messages: readonly Message[]): ReadonlyMap<string, StoredResult> {
  const results = new Map<string, StoredResult>();
  for (const message of messages) for (const part of message.content) if (part.type === "tool_result") results.set(part.call_id, part);
  return results;
}

/** A message's text parts, joined. */
export const textOf = (message: Message): string => message.content.map((part) => (part.type === "text" ? part.text : "")).join("");

/** The turn a client's own send started, once the session has said so; null before (or while it is queued). */
export function turnOfRequest(transcript: Transcript, requestId: string): string | null {
  return transcript.requests[requestId] ?? null;
}

export function viewTurn(transcript: Transcript, turnId: string): TurnView {
  const stored = transcript.messages.filter((message) => message.turn_id === turnId);
  const answers = stored.filter((message) => message.role === "assistant");
  const live = transcript.turn?.turnId === turnId ? transcript.turn : null;
  const liveText = (live?.blocks ?? []).map((block) => (block.kind === "text" ? block.text : "")).join("");
  const text = [...answers.map(textOf), liveText].filter((each) => each.length > 0).join(STEP_BREAK);

  const results = new Map<string, Extract<Message["content"][number], { type: "tool_result" }>>();
  for (const message of stored) for (const part of message.content) if (part.type === "tool_result") results.set(part.call_id, part);
  const calls: TurnCall[] = [];
  for (const message of answers)
    for (const part of message.content)
      if (part.type === "tool_call") calls.push(toCall(storedToolCard(transcript, part, results.get(part.call_id))));
  for (const block of live?.blocks ?? []) {
    const card = block.kind === "tool" ? transcript.tools[block.callId] : undefined;
    if (card !== undefined && !calls.some((call) => call.callId === card.callId)) calls.push(toCall(card));
  }
  const awaitingApproval = calls.filter((call) => transcript.pendingApprovals.includes(call.callId));
  return {
    turnId,
    text,
    calls,
    awaitingApproval,
    error: live?.error?.message ?? null,
    ended: endOf(transcript, turnId, live !== null, answers),
  };
}

function toCall(card: { callId: string; name: string; args: TurnCall["args"]; result: ToolResult | null }): TurnCall {
  return { callId: card.callId, name: card.name, args: card.args, result: card.result };
}

/** From the turn_end when this client saw it; else (a snapshot after a drop) from what was stored. */
function endOf(transcript: Transcript, turnId: string, running: boolean, answers: readonly Message[]): TurnView["ended"] {
  if (running) return null;
  if (transcript.lastTurn?.turnId === turnId) {
    const status = transcript.lastTurn.status;
    const last = answers.at(-1);
    const reason = last?.status === "error" && last.error !== null ? `: ${last.error}` : "";
    return { status, problem: status === "completed" ? null : `The turn ended: ${status}${reason}.` };
  }
  const last = answers.at(-1);
  if (last === undefined) return null;
  if (last.status === "error") return { status: "failed", problem: `The turn failed: ${last.error ?? "unknown error"}.` };
  if (last.status === "partial") return { status: "cancelled", problem: "The turn was cut short (cancelled or interrupted)." };
  // A complete answer that asked for tools is not the end: its results and the next step follow.
  if (last.content.some((part) => part.type === "tool_call")) return null;
  return { status: "completed", problem: null };
}
