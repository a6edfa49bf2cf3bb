/**
 * One session, live: its header (title, model, who is watching, connection, tokens and cost),
 * a search over its whole history, the conversation as it streams (older pages on request), the
 * approvals any client may answer, the messages queued behind the running turn, and the composer.
 */
import { type ApprovalDecision, type RestClient, type Session, SessionIdSchema, ToolCallIdSchema } from "@maestro/protocol";
import { createAllowRule } from "../features/approvals/always-allow.ts";
import { useCallback, useEffect, useState } from "react";
import { Composer } from "../features/composer/Composer.tsx";
import { QueuedMessages } from "../features/queue/QueuedMessages.tsx";
import { SessionControls } from "../features/sessions/SessionControls.tsx";
import { SessionSearch } from "../features/search/SessionSearch.tsx";
import { SessionTranscript } from "../features/transcript/SessionTranscript.tsx";
import { useMessageActions } from "../features/transcript/use-message-actions.ts";
import { useFollowOutput } from "../features/transcript/use-follow-output.ts";
import { useSessionSocket } from "../features/transcript/use-session-socket.ts";
import { sessionHref } from "../lib/route.ts";
import { ContextGauge } from "../features/sessions/ContextGauge.tsx";
import { ExportLinks } from "../features/sessions/SessionTransfer.tsx";
import { tokens, usd } from "../lib/format.ts";

const CONNECTION_LABEL = { connecting: "connecting…", open: "live", reconnecting: "reconnecting…", closed: "offline" } as const;

function watchers(session: Session | null, presence: { web: number; tui: number; api: number }): string {
  if (session === null) return "";
  const parts = [
    presence.web > 0 && `${presence.web} web`,
    presence.tui > 0 && `${presence.tui} tui`,
    presence.api > 0 && `${presence.api} api`,
  ];
  return parts.filter(Boolean).join(", ");
}

/** Typing in a field is not a shortcut. */
const typing = (target: EventTarget | null) => target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);

export function SessionPage({
  client,
  sessionId,
  focusMessageId = null,
}: {
  readonly client: RestClient;
  readonly sessionId: string;
  /** A message to scroll to and highlight (a search hit). */
  readonly focusMessageId?: string | null;
}) {
  const { transcript, connection, failure, send } = useSessionSocket(sessionId);
  const session = transcript.session;
  const busy = transcript.turn !== null;
  const firstPending = transcript.pendingApprovals[0];
  const [actionError, setActionError] = useState<string | null>(null);
  const onActionError = useCallback((message: string) => setActionError(message), []);
  const { actions, links } = useMessageActions(client, session, send, busy, onActionError);
  // Opened at a search hit, the page stays there; otherwise it opens at the end and follows it.
  const { following, jumpToLatest } = useFollowOutput(transcript, focusMessageId === null);

  // Keyboard: `a` approves the oldest waiting tool call, `d` denies it, Escape cancels the turn.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typing(event.target) || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === "Escape" && busy) send({ type: "cancel" });
      if (firstPending === undefined) return;
      if (event.key === "a") send({ type: "approve", call_id: ToolCallIdSchema.parse(firstPending), decision: "approve" });
      if (event.key === "d") send({ type: "approve", call_id: ToolCallIdSchema.parse(firstPending), decision: "deny" });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [busy, firstPending, send]);
  return (
    <main className="session-page">
      {/* Two rows: the title keeps a line of its own, so numbers growing while a turn streams never re-wrap it. */}
      <header className="session-header">
        <div className="bar title-row">
          <a href="#/" className="back" aria-label="All sessions">
            ←
          </a>
          <h1 title={session?.title ?? undefined}>{session?.title ?? "Session"}</h1>
          <span className={`connection ${connection}`} role="status" aria-label="Connection">
            {CONNECTION_LABEL[connection]}
          </span>
        </div>
        <div className="session-meta">
          {session !== null && (
            <span className="muted">
              {session.provider} · {session.model}
            </span>
          )}
          <span className="muted">{watchers(session, transcript.presence)}</span>
          {session !== null && (
            <span className="muted numbers">
              {tokens(session.usage.input_tokens + session.usage.cache_read_tokens)} in · {tokens(session.usage.output_tokens)} out ·{" "}
              {usd(session.cost_usd)}
            </span>
          )}
          {session !== null && <ContextGauge context={session.context} onCompact={() => send({ type: "compact" })} busy={busy} />}
          {session !== null && <ExportLinks sessionId={session.id} />}
        </div>
      </header>
      {(links.origin !== null || links.forks.length > 0) && (
        <p className="fork-links muted small">
          {links.origin !== null && (
            <span>
              Forked from <a href={sessionHref(links.origin.id)}>{links.origin.title ?? "another session"}</a>.{" "}
            </span>
          )}
          {links.forks.length > 0 && (
            <span>
              Forks:{" "}
              {links.forks.map((fork, index) => (
                <span key={fork.session_id}>
                  {index > 0 && ", "}
                  <a href={sessionHref(fork.session_id)}>{fork.title}</a>
                </span>
              ))}
            </span>
          )}
        </p>
      )}
      {session !== null && <SessionSearch client={client} sessionId={session.id} />}
      {session !== null && (
        <SessionControls client={client} session={session} configure={(changes) => send({ type: "configure", changes })} />
      )}
      {Object.values(transcript.credentialNotices)
        .filter((credential) => credential.needs_reauth || credential.last_error !== null)
        .map((credential) => (
          <p key={credential.id} role="alert" className="error">
            {credential.label}: {credential.needs_reauth ? "needs a new login." : credential.last_error}
          </p>
        ))}
      {failure !== null && (
        <p role="alert" className="error">
          {failure.message}{" "}
          {failure.status === 401 ? (
            <button type="button" onClick={() => window.location.reload()}>
              Sign in again
            </button>
          ) : (
            <a href="#/">Back to all sessions</a>
          )}
        </p>
      )}
      {transcript.lastError !== null && (
        <p role="alert" className="error">
          {transcript.lastError.message}
        </p>
      )}
      {actionError !== null && (
        <p role="alert" className="error">
          {actionError}
        </p>
      )}
      {failure === null && (
        <SessionTranscript
          client={client}
          transcript={transcript}
          focusId={focusMessageId}
          onAnswer={(callId, answer) => {
            const approve = (decision: ApprovalDecision) => send({ type: "approve", call_id: ToolCallIdSchema.parse(callId), decision });
            if (typeof answer === "string") {
              approve(answer);
              return;
            }
            createAllowRule(client, answer.tool, answer.alwaysAllow, SessionIdSchema.parse(sessionId)).then(
              () => approve("approve"),
              (error: unknown) => setActionError(error instanceof Error ? error.message : "Could not create the rule."),
            );
          }}
          actions={actions}
        />
      )}
      <QueuedMessages
        queue={transcript.queue}
        paused={transcript.queuePaused}
        onEdit={(id, text) => send({ type: "queue_edit", id, text })}
        onCancel={(id) => send({ type: "queue_cancel", id })}
        onResume={() => send({ type: "queue_resume" })}
      />
      {!following && (
        <button type="button" className="jump-to-latest" onClick={jumpToLatest}>
          Jump to latest ↓
        </button>
      )}
      <Composer
        busy={busy}
        connected={connection === "open"}
        onSend={(text) => send({ type: "send", text, request_id: `web-${crypto.randomUUID()}` })}
        onCancel={() => send({ type: "cancel" })}
        // A session that slept reads what the message's turn needs while it is written (`prepare`).
        onWriting={busy ? undefined : () => void send({ type: "prepare" })}
      />
    </main>
  );
}
