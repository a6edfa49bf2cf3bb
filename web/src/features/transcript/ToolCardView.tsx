/**
 * A tool call as a card: its name and arguments, what it printed while running, how it ended
 * (output or error, how long it took, and on which machine), and — while it waits — the approval
 * prompt, which any client may answer: once, for the rest of the session, always (a standing
 * rule, here or everywhere), or not at all. A call a rule decided says which rule.
 */
import { type ApprovalDecision, type ToolCard, toolCardMachine } from "@maestro/protocol";
import { useEffect, useRef } from "react";
import { duration } from "../../lib/format.ts";

/** An answer to the prompt: a decision, or "always allow this tool" as a rule (here or everywhere), which also approves this call. */
export type PromptAnswer = ApprovalDecision | { readonly alwaysAllow: "session" | "everywhere"; readonly tool: string };

export interface ToolCardViewProps {
  readonly card: ToolCard;
  readonly onAnswer?: (answer: PromptAnswer) => void;
}

function statusOf(card: ToolCard): { label: string; tone: "running" | "ok" | "error" | "waiting" } {
  if (card.result !== null)
    return card.result.ok ? { label: "done", tone: "ok" } : { label: card.result.errorCode ?? "failed", tone: "error" };
  if (card.approval !== null && card.approval.answer === null) return { label: "waiting for approval", tone: "waiting" };
  if (card.approval?.answer?.decision === "deny") return { label: "denied", tone: "error" };
  // "waiting for <agent> (offline)": the session waits for its agent to come back.
  if (card.status?.startsWith("waiting for ") === true) return { label: card.status, tone: "waiting" };
  return { label: card.status ?? "running", tone: "running" };
}

/** Who answered the prompt, and how; a turn that ended or a prompt left unanswered is no person's answer. */
function describeAnswer(answer: { readonly decision: ApprovalDecision; readonly by: string }): string {
  if (answer.by === "cancel") return "Not run: the turn was cancelled";
  if (answer.by === "timeout") return "Not run: nobody answered in time";
  return `${answer.decision === "deny" ? "Denied" : "Approved"} from ${answer.by}`;
}

/**
 * A prompt that appears takes the focus, unless the user is in the middle of writing something:
 * then Enter approves once and the page's `a`/`d` shortcuts answer it (they are ignored while a
 * text field has the focus, and the composer has it by default).
 */
function useFocusWhenIdle<T extends HTMLElement>(active: boolean) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (!active) return;
    const focused = document.activeElement;
    const writing = (focused instanceof HTMLTextAreaElement || focused instanceof HTMLInputElement) && focused.value.length > 0;
    if (!writing) ref.current?.focus();
  }, [active]);
  return ref;
}

export function ToolCardView({ card, onAnswer }: ToolCardViewProps) {
  const status = statusOf(card);
  const args = card.args === null ? card.argsText : JSON.stringify(card.args, null, 2);
  const waiting = card.approval !== null && card.approval.answer === null;
  const machine = toolCardMachine(card);
  const approveButton = useFocusWhenIdle<HTMLButtonElement>(waiting && onAnswer !== undefined);
  return (
    <section className={`tool-card ${status.tone}`} aria-label={`Tool call ${card.name}`}>
      <header>
        <code className="tool-name">{card.name}</code>
        <span className={`badge ${status.tone}`}>{status.label}</span>
        {machine !== null && (
          <span className="tool-machine muted" aria-label="Machine">
            on {machine}
          </span>
        )}
        {card.result !== null && card.result.durationMs > 0 && (
          <span className="muted" aria-label="Run time">
            {duration(card.result.durationMs)}
          </span>
        )}
        {card.result !== null && card.result.waitMs > 0 && (
          <span className="muted" aria-label="Approval wait">
            waited {duration(card.result.waitMs)} for approval
          </span>
        )}
      </header>
      {args.length > 0 && <pre className="tool-args">{args}</pre>}
      {card.progress.length > 0 && card.result === null && (
        <pre className="tool-progress" aria-label="Progress">
          {card.progress}
        </pre>
      )}
      {card.result !== null && (
        <pre className={card.result.ok ? "tool-output" : "tool-output error"} aria-label={card.result.ok ? "Result" : "Error"}>
          {card.result.output}
        </pre>
      )}
      {waiting && onAnswer !== undefined && (
        <div className="approval" role="group" aria-label={`Approve ${card.name}?`}>
          <span>
            The model wants to run <code>{card.name}</code> ({card.approval?.kind}).
          </span>
          <button type="button" ref={approveButton} aria-keyshortcuts="a" onClick={() => onAnswer("approve")}>
            Approve once <kbd aria-hidden="true">a</kbd>
          </button>
          <button type="button" className="secondary" onClick={() => onAnswer("approve_session")}>
            Approve for this session
          </button>
          <button type="button" className="secondary" onClick={() => onAnswer({ alwaysAllow: "session", tool: card.name })}>
            Always allow {card.name} here
          </button>
          <button type="button" className="secondary" onClick={() => onAnswer({ alwaysAllow: "everywhere", tool: card.name })}>
            Always allow {card.name} everywhere
          </button>
          <button type="button" className="danger" aria-keyshortcuts="d" onClick={() => onAnswer("deny")}>
            Deny <kbd aria-hidden="true">d</kbd>
          </button>
        </div>
      )}
      {card.approval?.answer != null && <p className="muted small">{describeAnswer(card.approval.answer)}</p>}
      {card.result?.decidedByRule !== undefined && (
        <p className="muted small">
          {card.result.decidedByRule.effect === "allow" ? "Allowed" : "Denied"} by rule{" "}
          <code>{card.result.decidedByRule.id.slice(0, 8)}</code> (<a href="#/approvals">rules</a>)
        </p>
      )}
    </section>
  );
}
