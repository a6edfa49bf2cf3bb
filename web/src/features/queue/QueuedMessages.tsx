/**
 * The messages queued behind the running turn, under the transcript: each one editable and
 * cancellable until it starts (every client sees the change at once), and, when the queue paused
 * after a cancelled or failed turn, a button that runs it. Renders nothing when the queue is empty.
 */
import type { QueueEntry } from "@maestro/protocol";
import { useState } from "react";

export interface QueuedMessagesProps {
  readonly queue: readonly QueueEntry[];
  readonly paused: boolean;
  readonly onEdit: (id: QueueEntry["id"], text: string) => void;
  readonly onCancel: (id: QueueEntry["id"]) => void;
  readonly onResume: () => void;
}

export function QueuedMessages({ queue, paused, onEdit, onCancel, onResume }: QueuedMessagesProps) {
  if (queue.length === 0) return null;
  return (
    <section className="queue" aria-label="Queued messages">
      <p className="muted small">
        {paused ? "Queued — paused because the last turn stopped." : "Queued — each runs when the turn before it ends."}
        {paused && (
          <button type="button" className="secondary" onClick={onResume}>
            Run the queue
          </button>
        )}
      </p>
      <ol>
        {queue.map((entry) => (
          <QueuedMessage key={entry.id} entry={entry} onEdit={onEdit} onCancel={onCancel} />
        ))}
      </ol>
    </section>
  );
}

function QueuedMessage({ entry, onEdit, onCancel }: { readonly entry: QueueEntry } & Pick<QueuedMessagesProps, "onEdit" | "onCancel">) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft !== null) {
    const save = () => {
      if (draft.trim().length > 0 && draft.trim() !== entry.text) onEdit(entry.id, draft.trim());
      setDraft(null);
    };
    return (
      <li className="queued editing">
        <textarea
          aria-label="Edit queued message"
          value={draft}
          rows={2}
          autoFocus
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey) {
              event.preventDefault();
              save();
            }
            if (event.key === "Escape") setDraft(null);
          }}
        />
        <button type="button" onClick={save}>
          Save
        </button>
        <button type="button" className="secondary" onClick={() => setDraft(null)}>
          Keep
        </button>
      </li>
    );
  }
  return (
    <li className="queued">
      <span className="queued-text">{entry.text}</span>
      <span className="muted small">{entry.by}</span>
      <button type="button" className="secondary" onClick={() => setDraft(entry.text)}>
        Edit
      </button>
      <button type="button" className="secondary" aria-label={`Cancel queued message: ${entry.text}`} onClick={() => onCancel(entry.id)}>
        Cancel
      </button>
    </li>
  );
}
