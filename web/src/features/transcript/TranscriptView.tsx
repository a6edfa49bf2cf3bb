/**
 * A session's conversation, from the shared transcript fold: stored messages (the user's text;
 * the model's thinking collapsed, its answer as markdown, its tool calls as cards with their
 * results; tokens and cost), then what the turn in flight has streamed that is not stored yet.
 */
import {
  type ContentPart,
  type Message,
  type TokenUsage,
  type ToolCard,
  type Transcript,
  stopNotice,
  type StoredResult,
  storedResults,
  storedToolCard,
} from "@maestro/protocol";
import { Fragment, useState } from "react";
import { shortTokens, tokens, usd } from "../../lib/format.ts";
import { Markdown } from "./Markdown.tsx";
import { EditMessage, type MessageActions, MessageToolbar } from "./MessageActions.tsx";
import { type PromptAnswer, ToolCardView } from "./ToolCardView.tsx";

export interface TranscriptViewProps {
  readonly transcript: Transcript;
  readonly onAnswer: (callId: string, answer: PromptAnswer) => void;
  /** Edit, regenerate, branches and forks; without it the transcript is read-only. */
  readonly actions?: MessageActions | undefined;
  /** A message to highlight (a search hit jumped to); it is drawn with the class `focused`. */
  readonly focusId?: string | null;
}

/** The element id of a stored message's view, for jumping to it. */
export const messageElementId = (id: string) => `message-${id}`;

/** How the answer used the prompt cache: what it read from it, and what it wrote (a new prefix). */
function cacheNote(usage: TokenUsage): string {
  const notes = [
    usage.cache_read_tokens > 0 && `${tokens(usage.cache_read_tokens)} from cache`,
    usage.cache_write_tokens > 0 && `${tokens(usage.cache_write_tokens)} written to cache`,
  ].filter(Boolean);
  return notes.length === 0 ? "" : ` (${notes.join(", ")})`;
}

function Thinking({ text }: { readonly text: string }) {
  return (
    <details className="thinking">
      <summary>Thinking</summary>
      <p>{text}</p>
    </details>
  );
}

/** The provider encrypted this thinking: there is nothing to read, only that it happened. */
function RedactedThinking() {
  return <p className="thinking muted small">Thinking (redacted by the provider)</p>;
}

/** Where the session made room in the model's context; the full record above stays as it was. */
function CompactionDivider({ part }: { readonly part: Extract<ContentPart, { type: "compaction" }> }) {
  const saved = `${shortTokens(part.tokens_before)} → ${shortTokens(part.tokens_after)} tokens`;
  if (part.summary === null)
    return (
      <p className="compaction muted small" role="separator">
        Older tool outputs are now sent as short notes to save context ({saved}).
      </p>
    );
  return (
    <details className="compaction" role="separator">
      <summary className="muted small">Earlier turns were summarised for the model ({saved}) — show summary</summary>
      <Markdown text={part.summary} />
    </details>
  );
}

function Refusal({ text }: { readonly text: string }) {
  return (
    <p className="refusal" role="note">
      <strong>Declined:</strong> {text}
    </p>
  );
}

function MessageView({
  message,
  transcript,
  results,
  onAnswer,
  actions,
  focused,
}: TranscriptViewProps & { message: Message; results: ReadonlyMap<string, StoredResult>; focused: boolean }) {
  const [editing, setEditing] = useState(false);
  if (message.role === "tool") return null;
  if (message.role === "compaction") {
    const part = message.content.find((each) => each.type === "compaction");
    return part === undefined ? null : (
      <div id={messageElementId(message.id)} className={focused ? "focused" : undefined}>
        <CompactionDivider part={part} />
      </div>
    );
  }
  if (editing && actions !== undefined)
    return (
      <article className="message user editing" aria-label="You (editing)">
        <EditMessage message={message} actions={actions} onDone={() => setEditing(false)} />
      </article>
    );
  return (
    <article
      id={messageElementId(message.id)}
      className={`message ${message.role}${focused ? " focused" : ""}`}
      aria-label={message.role === "user" ? "You" : "Model"}
      aria-current={focused ? "true" : undefined}
    >
      {message.content.map((part, index) => {
        switch (part.type) {
          case "text":
            return message.role === "user" ? (
              <p key={index} className="user-text">
                {part.text}
              </p>
            ) : (
              <Markdown key={index} text={part.text} />
            );
          case "thinking":
            return <Thinking key={index} text={part.text} />;
          case "redacted_thinking":
            return <RedactedThinking key={index} />;
          case "refusal":
            return <Refusal key={index} text={part.text} />;
          case "tool_call":
            return (
              <ToolCardView
                key={index}
                card={storedToolCard(transcript, part, results.get(part.call_id))}
                onAnswer={(decision) => onAnswer(part.call_id, decision)}
              />
            );
          case "tool_result":
          case "compaction":
            return null;
        }
      })}
      {message.role === "assistant" &&
        (message.provider !== null ||
          message.usage !== null ||
          message.status !== "complete" ||
          stopNotice(message.stop_reason) !== null) && (
          <footer className="muted small">
            {/* Which model answered: after a failover, not the session's own. */}
            {message.provider !== null && (
              <span className="answered-by">
                {message.provider}/{message.model}
                {message.usage !== null || message.status !== "complete" ? " · " : ""}
              </span>
            )}
            {message.status !== "complete" && <span className="badge error">{message.status}</span>}
            {message.error !== null && <span> {message.error}</span>}
            {message.error === null && stopNotice(message.stop_reason) !== null && <span> {stopNotice(message.stop_reason)} </span>}
            {message.usage !== null && (
              <span>
                {tokens(message.usage.input_tokens + message.usage.cache_read_tokens)} in
                {cacheNote(message.usage)} · {tokens(message.usage.output_tokens)} out
                {message.cost_usd !== null && ` · ${usd(message.cost_usd)}`}
              </span>
            )}
          </footer>
        )}
      {actions !== undefined && <MessageToolbar message={message} actions={actions} onEdit={() => setEditing(true)} />}
    </article>
  );
}

/** "Failed over from X to Y: why", where it happened in the turn. */
function failoversAfter(transcript: Transcript, messageId: string | null) {
  return transcript.failovers
    .filter((notice) => notice.afterMessageId === messageId)
    .map((notice, index) => (
      <p key={`${notice.turnId}-${index}`} className="failover muted small" role="note" aria-label="Failover">
        Failed over from {notice.from.provider}/{notice.from.model} to {notice.to.provider}/{notice.to.model}: {notice.message}
      </p>
    ));
}

export function TranscriptView({ transcript, onAnswer, actions, focusId = null }: TranscriptViewProps) {
  const results = storedResults(transcript.messages);
  const turn = transcript.turn;
  // A turn waiting for the user's answer has nothing of its own to stream yet: no empty box with
  // a cursor under the approval prompt, which is the thing to look at.
  const waitingForUser = turn !== null && turn.blocks.length === 0 && turn.error === null && transcript.pendingApprovals.length > 0;
  return (
    <div className="transcript" aria-live="polite">
      {/* Until the first snapshot there is nothing to say about the conversation yet. */}
      {transcript.session === null && <p className="muted">Loading…</p>}
      {transcript.session !== null && transcript.messages.length === 0 && turn === null && (
        <p className="empty">No messages yet. Say something below.</p>
      )}
      {failoversAfter(transcript, null)}
      {transcript.messages.map((message) => (
        <Fragment key={message.id}>
          <MessageView
            message={message}
            transcript={transcript}
            results={results}
            onAnswer={onAnswer}
            actions={actions}
            focused={message.id === focusId}
          />
          {failoversAfter(transcript, message.id)}
        </Fragment>
      ))}
      {turn !== null && !waitingForUser && (
        <article className="message assistant streaming" aria-label="Model (streaming)">
          {turn.blocks.map((block, index) => (
            <Fragment key={index}>
              {block.kind === "text" && <Markdown text={block.text} />}
              {block.kind === "thinking" && <Thinking text={block.text} />}
              {block.kind === "redacted_thinking" && <RedactedThinking />}
              {block.kind === "refusal" && <Refusal text={block.text} />}
              {block.kind === "tool" && transcript.tools[block.callId] !== undefined && (
                <ToolCardView card={transcript.tools[block.callId] as ToolCard} onAnswer={(decision) => onAnswer(block.callId, decision)} />
              )}
            </Fragment>
          ))}
          {turn.error !== null && (
            <p role="alert" className="error">
              {turn.error.message}
            </p>
          )}
          {turn.error === null && <span className="cursor" aria-hidden="true" />}
        </article>
      )}
      {transcript.lastTurn !== null && turn === null && transcript.lastTurn.status !== "completed" && (
        <p className="muted small">The last turn ended: {transcript.lastTurn.status}.</p>
      )}
    </div>
  );
}
