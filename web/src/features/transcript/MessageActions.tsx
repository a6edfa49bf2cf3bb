/**
 * What a person can do with a message of the transcript: step through its alternatives
 * ("‹ 2 / 3 ›"), edit a user's message and send it again, regenerate an answer (with the
 * session's model or another), and fork the session there. Each goes over the session socket or
 * the API; every client then shows the branch in use.
 */
import type { Credential, Message, MessageId, Model, ProviderId, RegenerateBody, SessionFork } from "@maestro/protocol";
import { useId, useState } from "react";
import { sessionHref } from "../../lib/route.ts";
import { ModelPicker } from "../models/ModelPicker.tsx";
import { credentialName } from "../../lib/format.ts";

export interface MessageActions {
  /** A turn is running: nothing may branch until it ends. */
  readonly busy: boolean;
  readonly credentials: readonly Credential[];
  readonly models: readonly Model[] | null;
  /** Sessions forked from this one, by the message their history ends at. */
  readonly forks: readonly SessionFork[];
  edit(messageId: MessageId, text: string): void;
  regenerate(messageId: MessageId, choice: RegenerateBody): void;
  switchTo(messageId: MessageId): void;
  fork(messageId: MessageId): void;
}

/** "‹ 2 / 3 ›": this message among its alternatives; the arrows switch the branch in use. */
export function BranchSwitcher({ message, actions }: { readonly message: Message; readonly actions: MessageActions }) {
  const siblings = message.siblings;
  if (siblings === undefined) return null;
  const at = siblings.indexOf(message.id);
  const previous = siblings[at - 1];
  const next = siblings[at + 1];
  return (
    <span className="branch-switcher" role="group" aria-label="Branches">
      <button
        type="button"
        className="link"
        aria-label="Previous branch"
        disabled={actions.busy || previous === undefined}
        onClick={() => previous !== undefined && actions.switchTo(previous)}
      >
        ‹
      </button>
      <span aria-label="Branch">{`${at + 1} / ${siblings.length}`}</span>
      <button
        type="button"
        className="link"
        aria-label="Next branch"
        disabled={actions.busy || next === undefined}
        onClick={() => next !== undefined && actions.switchTo(next)}
      >
        ›
      </button>
    </span>
  );
}

/** A user's message in place, editable; sending it starts a new branch beside the old one. */
export function EditMessage({
  message,
  actions,
  onDone,
}: {
  readonly message: Message;
  readonly actions: MessageActions;
  readonly onDone: () => void;
}) {
  const original = message.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n");
  const [text, setText] = useState(original);
  return (
    <form
      className="edit-message"
      onSubmit={(event) => {
        event.preventDefault();
        if (text.trim().length === 0) return;
        actions.edit(message.id, text.trim());
        onDone();
      }}
    >
      <label>
        Edit message
        <textarea
          value={text}
          rows={Math.min(10, Math.max(2, text.split("\n").length))}
          onChange={(event) => setText(event.target.value)}
        />
      </label>
      <button type="submit" disabled={actions.busy || text.trim().length === 0}>
        Send edit
      </button>
      <button type="button" className="secondary" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}

/** "Regenerate with…": another credential (so provider) and model, for this one answer. */
function RegenerateWith({ message, actions }: { readonly message: Message; readonly actions: MessageActions }) {
  const [open, setOpen] = useState(false);
  const [credentialId, setCredentialId] = useState("");
  const [model, setModel] = useState("");
  const selectId = useId();
  const credential = actions.credentials.find((each) => each.id === credentialId);
  const provider: ProviderId | undefined = credential?.provider;
  if (!open)
    return (
      <button type="button" className="link" disabled={actions.busy} onClick={() => setOpen(true)}>
        Regenerate with…
      </button>
    );
  return (
    <form
      className="regenerate-with"
      aria-label="Regenerate with another model"
      onSubmit={(event) => {
        event.preventDefault();
        if (credential === undefined || model.trim().length === 0) return;
        actions.regenerate(message.id, { provider: credential.provider, model: model.trim(), credential_id: credential.id });
        setOpen(false);
      }}
    >
      <label htmlFor={selectId}>Credential</label>
      <select id={selectId} value={credentialId} onChange={(event) => setCredentialId(event.target.value)} required>
        <option value="">Choose…</option>
        {actions.credentials.map((each) => (
          <option key={each.id} value={each.id}>
            {credentialName(each)}
          </option>
        ))}
      </select>
      <ModelPicker models={actions.models} provider={provider} value={model} onChange={setModel} required />
      <button type="submit" disabled={actions.busy || credential === undefined || model.trim().length === 0}>
        Regenerate with this model
      </button>
      <button type="button" className="secondary" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}

/** The row of actions under a message (and the forks made from it). */
export function MessageToolbar({
  message,
  actions,
  onEdit,
}: {
  readonly message: Message;
  readonly actions: MessageActions;
  readonly onEdit: () => void;
}) {
  const forks = actions.forks.filter((fork) => fork.message_id === message.id);
  return (
    <div className="message-actions small">
      <BranchSwitcher message={message} actions={actions} />
      {message.role === "user" && (
        <button type="button" className="link" disabled={actions.busy} onClick={onEdit}>
          Edit
        </button>
      )}
      {message.role === "assistant" && (
        <>
          <button type="button" className="link" disabled={actions.busy} onClick={() => actions.regenerate(message.id, {})}>
            Regenerate
          </button>
          <RegenerateWith message={message} actions={actions} />
        </>
      )}
      <button type="button" className="link" onClick={() => actions.fork(message.id)}>
        Fork from here
      </button>
      {forks.map((fork) => (
        <a key={fork.session_id} className="muted" href={sessionHref(fork.session_id)}>
          Forked into “{fork.title}”
        </a>
      ))}
    </div>
  );
}
