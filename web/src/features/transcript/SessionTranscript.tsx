/**
 * A session's whole conversation: older pages on request ("Show earlier messages") above the live
 * transcript. Both go through one TranscriptView, so an old tool call or compaction looks exactly
 * like a new one. Given a message to focus (a search hit), it pages back until that message is
 * loaded, then scrolls to it and highlights it; a message on another branch is offered to switch to.
 */
import type { PromptAnswer } from "./ToolCardView.tsx";
import { MessageIdSchema, type RestClient, SNAPSHOT_MESSAGES, type Transcript } from "@maestro/protocol";
import { useEffect, useRef } from "react";
import { focusTarget } from "./focus-target.ts";
import type { MessageActions } from "./MessageActions.tsx";
import { TranscriptView, messageElementId } from "./TranscriptView.tsx";
import { mergeMessages, useEarlierMessages } from "./use-earlier-messages.ts";

export interface SessionTranscriptProps {
  readonly client: RestClient;
  readonly transcript: Transcript;
  readonly onAnswer: (callId: string, answer: PromptAnswer) => void;
  /** A message to jump to (from `#/sessions/<id>/messages/<message id>`). */
  readonly focusId?: string | null;
  /** Edit, regenerate, branches and forks; without it the transcript is read-only. */
  readonly actions?: MessageActions | undefined;
}

export function SessionTranscript({ client, transcript, onAnswer, focusId = null, actions }: SessionTranscriptProps) {
  const live = transcript.messages;
  const earlier = useEarlierMessages(client, transcript.session?.id ?? null, live[0]?.id ?? null);
  const mayHaveMore = !earlier.atStart && (live.length >= SNAPSHOT_MESSAGES || earlier.messages.length > 0);
  const messages = mergeMessages(earlier.messages, live);
  const target = focusTarget(messages, focusId);
  const searching = focusId !== null && target === null && !earlier.atStart && earlier.error === null && live.length > 0;
  const notFound = focusId !== null && target === null && earlier.atStart;

  // Page back, one page per answer, until the message is loaded (or the start is reached).
  const { loading, loadEarlier } = earlier;
  useEffect(() => {
    if (searching && !loading) loadEarlier();
  }, [searching, loading, loadEarlier]);

  // Scroll to it once, when it first appears; live updates after that leave the scroll alone.
  const scrolledTo = useRef<string | null>(null);
  useEffect(() => {
    if (target === null || scrolledTo.current === target) return;
    scrolledTo.current = target;
    document.getElementById(messageElementId(target))?.scrollIntoView({ block: "center" });
  }, [target]);

  return (
    <>
      {searching && (
        <p className="muted small" role="status">
          Finding the message in this session's history…
        </p>
      )}
      {notFound && (
        // The whole branch in use was read: the message belongs to another branch of the conversation.
        <p className="muted small" role="status">
          That message is on another branch of this conversation.{" "}
          {actions !== undefined && MessageIdSchema.safeParse(focusId).success && (
            <button type="button" className="link" disabled={actions.busy} onClick={() => actions.switchTo(MessageIdSchema.parse(focusId))}>
              Switch to its branch
            </button>
          )}
        </p>
      )}
      {(mayHaveMore || earlier.atStart) && (
        <div className="earlier-messages">
          {earlier.atStart ? (
            <p className="muted small">Start of the session</p>
          ) : (
            <button type="button" className="secondary" disabled={earlier.loading} onClick={earlier.loadEarlier}>
              {earlier.loading ? "Loading earlier messages…" : earlier.error !== null ? "Try again" : "Show earlier messages"}
            </button>
          )}
          {earlier.error !== null && (
            <p role="alert" className="error">
              Could not load earlier messages: {earlier.error}
            </p>
          )}
        </div>
      )}
      <TranscriptView transcript={{ ...transcript, messages }} onAnswer={onAnswer} focusId={target} actions={actions} />
    </>
  );
}
