/**
 * The transcript fold: `(Transcript, SessionToClient) → Transcript`, pure. The web UI and the TUI
 * both render from it, so they can never disagree about what a session shows (STYLE §2.3).
 *
 * What it keeps: the stored messages (oldest first, each once), the part of the turn in flight
 * that is not stored yet (streamed text and thinking), a card per tool call (arguments as they
 * stream, progress, result, approval), who is watching, and the session itself. Frames numbered
 * at or below what it has already seen are ignored, so a resume that overlaps is harmless.
 */
import type { Presence, TokenUsage } from "./common.ts";
import { EMPTY_PRESENCE } from "./common.ts";
import type { ErrorCode } from "./errors.ts";
import type { Credential } from "./rest/credentials.ts";
import type { Message } from "./rest/messages.ts";
import type { QueueEntry } from "./rest/queue.ts";
import type { Session } from "./rest/sessions.ts";
import type { ApprovalDecision, SessionToClient, TurnStatus } from "./session-socket.ts";
import type { ModelTarget, StopReason, StreamEvent } from "./stream-event.ts";
import type { DecidedByRule, ToolErrorCode } from "./tool-outcome.ts";

/** One tool call as a card: what was asked, how it is going, how it ended. */
export interface ToolCard {
  readonly callId: string;
  readonly name: string;
  /** The arguments' JSON text as the model streams it. */
  readonly argsText: string;
  /** The complete arguments, once the call is fully formed. */
  readonly args: Readonly<Record<string, unknown>> | null;
  /** Output streamed while it runs (capped: the result carries the rest). */
  readonly progress: string;
  readonly status: string | null;
  readonly approval: ToolCardApproval | null;
  readonly result: ToolResult | null;
}

export interface ToolCardApproval {
  readonly kind: string;
  readonly expiresAt: string;
  /** Null while it waits for an answer. */
  readonly answer: { readonly decision: ApprovalDecision; readonly by: string } | null;
}

export interface ToolResult {
  readonly ok: boolean;
  readonly output: string;
  readonly errorCode: ToolErrorCode | null;
  /** How long it ran, once allowed to. */
  readonly durationMs: number;
  /** How long it waited for an approval first (0 when nobody was asked). */
  readonly waitMs: number;
  /** The local agent (by name) that ran it; null when it ran in the Worker or an MCP server. */
  readonly machine: string | null;
  /** The standing approval rule that allowed or denied the call without asking, if one did. */
  readonly decidedByRule?: DecidedByRule;
}

/**
 * The machine (local agent, by name) a card's call ran on: from its result; while it runs, the
 * `machine` argument a session with several machines requires. Null for Worker and remote MCP tools.
 */
export function toolCardMachine(card: Pick<ToolCard, "result" | "args">): string | null {
  if (card.result !== null) return card.result.machine;
  const named = card.args?.machine;
  return typeof named === "string" ? named : null;
}

/** Content of the turn in flight that no stored message holds yet. */
export type LiveBlock =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "thinking"; readonly text: string }
  /** Thinking the provider encrypted: shown only as "thinking (redacted)". */
  | { readonly kind: "redacted_thinking" }
  | { readonly kind: "refusal"; readonly text: string }
  | { readonly kind: "tool"; readonly callId: string };

export interface LiveTurn {
  readonly turnId: string;
  readonly blocks: readonly LiveBlock[];
  readonly usage: TokenUsage | null;
  readonly stop: StopReason | null;
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly retryable: boolean } | null;
}

export interface Transcript {
  /** The newest frame folded in; resume from here (`hello{since}`). */
  readonly seq: number;
  readonly session: Session | null;
  readonly presence: Presence;
  readonly messages: readonly Message[];
  readonly turn: LiveTurn | null;
  readonly tools: Readonly<Record<string, ToolCard>>;
  /** Call ids waiting for an approval, oldest first. */
  readonly pendingApprovals: readonly string[];
  readonly lastTurn: { readonly turnId: string; readonly status: TurnStatus } | null;
  /** Credentials this session uses that changed state (a failed refresh, a needed login). */
  readonly credentialNotices: Readonly<Record<string, Credential>>;
  /** The last error the server sent about this client's own frame. */
  readonly lastError: { readonly code: ErrorCode; readonly message: string } | null;
  /**
   * How many times the branch in use changed (a `branch` frame) since this client joined: a client
   * that prints messages once (a terminal) starts over from where the branches part.
   */
  readonly branchChanges: number;
  /** Messages waiting for the turn in flight to end, oldest first. */
  readonly queue: readonly QueueEntry[];
  /** The queue waits for a send, retry or resume: the turn before it was cancelled or failed. */
  readonly queuePaused: boolean;
  /** Turn id by the request id of the send that started it (see `turnOfRequest`). */
  readonly requests: Readonly<Record<string, string>>;
  /** Failovers this client saw, each placed after the message that was last when it happened. */
  readonly failovers: readonly FailoverNotice[];
}

/** "Failed over from X to Y: reason", shown where it happened in the turn. */
export interface FailoverNotice {
  readonly turnId: string;
  /** The newest message when it happened; null when there was none. */
  readonly afterMessageId: string | null;
  readonly from: ModelTarget;
  readonly to: ModelTarget;
  readonly message: string;
}

/** Failovers kept per client: a long session's early ones are not worth the memory. */
const MAX_FAILOVER_NOTICES = 50;

export const EMPTY_TRANSCRIPT: Transcript = {
  seq: 0,
  session: null,
  presence: EMPTY_PRESENCE,
  messages: [],
  turn: null,
  tools: {},
  pendingApprovals: [],
  lastTurn: null,
  credentialNotices: {},
  lastError: null,
  branchChanges: 0,
  queue: [],
  queuePaused: false,
  requests: {},
  failovers: [],
};

/** Streamed tool output kept per card; the full output arrives with the result. */
export const MAX_PROGRESS_CHARS = 64 * 1024;

const newTurn = (turnId: string): LiveTurn => ({ turnId, blocks: [], usage: null, stop: null, error: null });

const emptyCard = (callId: string, name: string): ToolCard => ({
  callId,
  name,
  argsText: "",
  args: null,
  progress: "",
  status: null,
  approval: null,
  result: null,
});

function withMessage(messages: readonly Message[], message: Message): Message[] {
  const at = messages.findIndex((existing) => existing.id === message.id);
  if (at === -1) return [...messages, message];
  return messages.map((existing, index) => (index === at ? message : existing));
}

/** Grows the last block of the same kind, unless the provider said a new part starts here. */
function appendText(blocks: readonly LiveBlock[], kind: "text" | "thinking" | "refusal", text: string, newPart = false): LiveBlock[] {
  const last = blocks.at(-1);
  if (!newPart && last?.kind === kind) return [...blocks.slice(0, -1), { kind, text: last.text + text }];
  return [...blocks, { kind, text }];
}

function updateCard(transcript: Transcript, callId: string, change: (card: ToolCard) => ToolCard, name = "tool"): Transcript {
  const card = transcript.tools[callId] ?? emptyCard(callId, name);
  return { ...transcript, tools: { ...transcript.tools, [callId]: change(card) } };
}

/** One stream event into the turn it belongs to. */
function foldEvent(transcript: Transcript, turnId: string, event: StreamEvent): Transcript {
  const turn = transcript.turn?.turnId === turnId ? transcript.turn : newTurn(turnId);
  const next = { ...transcript, turn };
  switch (event.type) {
    case "text_delta":
      return { ...next, turn: { ...turn, blocks: appendText(turn.blocks, "text", event.text) } };
    case "thinking_delta":
      return { ...next, turn: { ...turn, blocks: appendText(turn.blocks, "thinking", event.text, event.new_part === true) } };
    case "refusal_delta":
      return { ...next, turn: { ...turn, blocks: appendText(turn.blocks, "refusal", event.text) } };
    case "redacted_thinking":
      return { ...next, turn: { ...turn, blocks: [...turn.blocks, { kind: "redacted_thinking" }] } };
    case "tool_call":
      if (event.phase === "start") {
        const withCard = updateCard(next, event.call_id, (card) => ({ ...card, name: event.name }), event.name);
        return { ...withCard, turn: { ...turn, blocks: [...turn.blocks, { kind: "tool", callId: event.call_id }] } };
      }
      if (event.phase === "args_delta")
        return updateCard(next, event.call_id, (card) => ({ ...card, argsText: card.argsText + event.delta }));
      return updateCard(next, event.call_id, (card) => ({ ...card, args: event.args }));
    case "tool_progress":
      return updateCard(next, event.call_id, (card) => ({
        ...card,
        progress: (card.progress + (event.output ?? "")).slice(-MAX_PROGRESS_CHARS),
        status: event.status ?? card.status,
      }));
    case "tool_result":
      return updateCard(
        next,
        event.call_id,
        (card) => ({
          ...card,
          result: {
            ok: event.ok,
            output: event.output,
            errorCode: event.error_code ?? null,
            durationMs: event.duration_ms,
            waitMs: event.wait_ms ?? 0,
            machine: event.machine ?? null,
            ...(event.decided_by_rule !== undefined && { decidedByRule: event.decided_by_rule }),
          },
        }),
        event.name,
      );
    case "usage": {
      const { type: _type, cost_usd: _cost, ...usage } = event;
      // The provider just counted the whole context: the gauge follows it live, mid-turn.
      const used = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens + usage.output_tokens;
      const session = next.session === null ? null : { ...next.session, context: { ...next.session.context, used_tokens: used } };
      return { ...next, session, turn: { ...turn, usage } };
    }
    case "stop":
      return { ...next, turn: { ...turn, stop: event.reason } };
    case "error":
      return { ...next, turn: { ...turn, error: { code: event.code, message: event.message, retryable: event.retryable } } };
    case "failover": {
      const notice: FailoverNotice = {
        turnId,
        afterMessageId: next.messages.at(-1)?.id ?? null,
        from: event.from,
        to: event.to,
        message: event.message,
      };
      return { ...next, failovers: [...next.failovers, notice].slice(-MAX_FAILOVER_NOTICES) };
    }
  }
}

/** A snapshot replaces everything: it is the session as it stands at its `seq`. */
function fromSnapshot(frame: Extract<SessionToClient, { type: "snapshot" }>): Transcript {
  let transcript: Transcript = {
    ...EMPTY_TRANSCRIPT,
    session: frame.session,
    presence: frame.presence,
    messages: frame.messages,
    queue: frame.queue ?? [],
    queuePaused: frame.queue_paused ?? false,
    requests: Object.fromEntries((frame.requests ?? []).map((request) => [request.request_id, request.turn_id])),
  };
  if (frame.turn !== null) {
    if (frame.turn.request_id != null) transcript = withRequest(transcript, frame.turn.request_id, frame.turn.turn_id);
    transcript = { ...transcript, turn: newTurn(frame.turn.turn_id) };
    for (const event of frame.turn.events) transcript = foldEvent(transcript, event.turn_id, event.event);
    for (const approval of frame.turn.approvals) transcript = foldFrame(transcript, approval);
  }
  return { ...transcript, seq: frame.seq };
}

export function foldTranscript(transcript: Transcript, frame: SessionToClient): Transcript {
  if (frame.type === "snapshot") return { ...fromSnapshot(frame), branchChanges: transcript.branchChanges };
  if (frame.type === "pong") return transcript;
  if (frame.type === "error" && frame.seq === undefined) return { ...transcript, lastError: { code: frame.code, message: frame.message } };
  // Already seen: a resume that overlaps what this client has must not show anything twice.
  if (frame.seq !== undefined && frame.seq <= transcript.seq) return transcript;
  return { ...foldFrame(transcript, frame), seq: frame.seq ?? transcript.seq };
}

function foldFrame(transcript: Transcript, frame: Exclude<SessionToClient, { type: "snapshot" | "pong" }>): Transcript {
  switch (frame.type) {
    case "event":
      return foldEvent(transcript, frame.turn_id, frame.event);
    case "message": {
      const messages = withMessage(transcript.messages, frame.message);
      // A stored assistant step now shows what was streamed: drop the live copy of it.
      const stored = frame.message.role === "assistant" && transcript.turn?.turnId === frame.message.turn_id;
      const next = withRequest(transcript, frame.request_id, frame.message.turn_id);
      return { ...next, messages, turn: stored && transcript.turn !== null ? { ...transcript.turn, blocks: [] } : transcript.turn };
    }
    case "turn_end":
      return {
        ...withRequest(transcript, frame.request_id, frame.turn_id),
        messages: frame.message === null ? transcript.messages : withMessage(transcript.messages, frame.message),
        turn: transcript.turn?.turnId === frame.turn_id ? null : transcript.turn,
        pendingApprovals: [],
        lastTurn: { turnId: frame.turn_id, status: frame.status },
      };
    case "approval_request":
      return {
        ...updateCard(
          transcript,
          frame.call_id,
          (card) => ({ ...card, args: card.args ?? frame.args, approval: { kind: frame.kind, expiresAt: frame.expires_at, answer: null } }),
          frame.tool,
        ),
        pendingApprovals: transcript.pendingApprovals.includes(frame.call_id)
          ? transcript.pendingApprovals
          : [...transcript.pendingApprovals, frame.call_id],
      };
    case "approval_result":
      return {
        ...updateCard(transcript, frame.call_id, (card) => ({
          ...card,
          approval: {
            kind: card.approval?.kind ?? "execute",
            expiresAt: card.approval?.expiresAt ?? "",
            answer: { decision: frame.decision, by: frame.by },
          },
        })),
        pendingApprovals: transcript.pendingApprovals.filter((callId) => callId !== frame.call_id),
      };
    case "branch":
      // Another branch is in use: what this client showed of the old one is not the conversation now.
      return { ...transcript, messages: frame.messages, branchChanges: transcript.branchChanges + 1 };
    case "presence":
      return { ...transcript, presence: frame.presence };
    case "session_update":
      return { ...transcript, session: frame.session };
    case "credential_update":
      return { ...transcript, credentialNotices: { ...transcript.credentialNotices, [frame.credential.id]: frame.credential } };
    case "queue":
      return { ...transcript, queue: frame.queue, queuePaused: frame.paused };
    case "error":
      return { ...transcript, lastError: { code: frame.code, message: frame.message } };
  }
}

/** Remembers which turn a client's request started (a no-op without a request id or turn). */
function withRequest(transcript: Transcript, requestId: string | undefined, turnId: string | null): Transcript {
  if (requestId === undefined || turnId === null || transcript.requests[requestId] === turnId) return transcript;
  return { ...transcript, requests: { ...transcript.requests, [requestId]: turnId } };
}

/**
 * The card for a stored tool call: the live card when this client watched it run (the stored
 * name and arguments win over what streamed), else one built from what was stored.
 */
export function storedToolCard(
  transcript: Transcript,
  call: { readonly call_id: string; readonly name: string; readonly args: Readonly<Record<string, unknown>> },
  stored:
    | {
        readonly ok: boolean;
        readonly output: string;
        readonly error_code?: ToolErrorCode | undefined;
        readonly duration_ms?: number | undefined;
        readonly wait_ms?: number | undefined;
        readonly machine?: string | undefined;
        readonly decided_by_rule?: DecidedByRule | undefined;
      }
    | undefined,
): ToolCard {
  const live = transcript.tools[call.call_id];
  if (live !== undefined) return { ...live, name: call.name, args: live.args ?? call.args };
  return {
    ...emptyCard(call.call_id, call.name),
    args: call.args,
    result:
      stored === undefined
        ? null
        : {
            ok: stored.ok,
            output: stored.output,
            errorCode: stored.error_code ?? null,
            durationMs: stored.duration_ms ?? 0,
            waitMs: stored.wait_ms ?? 0,
            machine: stored.machine ?? null,
            ...(stored.decided_by_rule !== undefined && { decidedByRule: stored.decided_by_rule }),
          },
  };
}
