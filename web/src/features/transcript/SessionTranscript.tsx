/**
 * A session's whole conversation: older pages on request ("Show earlier messages") above the live
 * transcript. Both go through one TranscriptView, so an old tool call or compaction looks exactly
 * like a new one.
 */
import { type ApprovalDecision, type RestClient, SNAPSHOT_MESSAGES, type Transcript } from "@maestro/protocol";
import type { MessageActions } from "./MessageActions.tsx";
import { TranscriptView } from "./TranscriptView.tsx";
import { mergeMessages, useEarlierMessages } from "./use-earlier-messages.ts";

export interface SessionTranscriptProps {
  readonly client: RestClient;
  readonly transcript: Transcript;
  readonly onAnswer: (callId: string, decision: ApprovalDecision) => void;
  readonly actions?: MessageActions | undefined;
}

export function SessionTranscript({ client, transcript, onAnswer, actions }: SessionTranscriptProps) {
  const live = transcript.messages;
  const earlier = useEarlierMessages(client, transcript.session?.id ?? null, live[0]?.id ?? null);
  const mayHaveMore = !earlier.atStart && (live.length >= SNAPSHOT_MESSAGES || earlier.messages.length > 0);
  return (
    <>
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
      <TranscriptView
        transcript={{ ...transcript, messages: mergeMessages(earlier.messages, live) }}
        onAnswer={onAnswer}
        actions={actions}
      />
    </>
  );
}
