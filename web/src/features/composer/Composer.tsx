/**
 * Where the user writes: Enter sends (Shift+Enter for a new line), Escape cancels the turn in
 * flight. While a turn runs, what is sent joins the session's queue and runs when the turn ends.
 * Disabled while offline, with the reason shown rather than a silent no-op. While the user types,
 * `onWriting` is called now and then, so a session that slept can get ready for the message.
 */
import { saysWriting } from "@maestro/protocol";
import { type KeyboardEvent, useRef, useState } from "react";

export interface ComposerProps {
  readonly busy: boolean;
  readonly connected: boolean;
  readonly onSend: (text: string) => boolean;
  readonly onCancel: () => void;
  /** The user is typing (at most once every PREPARE_EVERY_MS). */
  readonly onWriting?: () => void;
}

export function Composer({ busy, connected, onSend, onCancel, onWriting }: ComposerProps) {
  const [text, setText] = useState("");
  const saidWritingAt = useRef(Number.NEGATIVE_INFINITY);
  const write = (value: string) => {
    setText(value);
    const now = Date.now();
    if (onWriting === undefined || !saysWriting(value, saidWritingAt.current, now)) return;
    saidWritingAt.current = now;
    onWriting();
  };
  const submit = () => {
    if (text.trim().length === 0 || !connected) return;
    if (onSend(text.trim())) setText("");
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      submit();
    }
    if (event.key === "Escape" && busy) onCancel();
  };
  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <textarea
        aria-label="Message"
        placeholder={
          !connected
            ? "Reconnecting…"
            : busy
              ? "Queue a message: it runs when this turn ends (Enter)"
              : "Message the model (Enter to send, Shift+Enter for a new line)"
        }
        value={text}
        onChange={(event) => write(event.target.value)}
        onKeyDown={onKeyDown}
        rows={3}
        autoFocus
      />
      {busy && (
        <button type="button" className="danger" onClick={onCancel}>
          Cancel (Esc)
        </button>
      )}
      <button type="submit" disabled={!connected || text.trim().length === 0}>
        {busy ? "Queue" : "Send"}
      </button>
    </form>
  );
}
