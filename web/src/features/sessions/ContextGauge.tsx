/**
 * How full the session's context is ("143k / 200k"), live, with the way to make room by hand:
 * the Compact button prunes old tool output and summarises older turns (the full record stays).
 */
import { type SessionContext, contextGauge, contextShare } from "@maestro/protocol";

export function ContextGauge({
  context,
  onCompact,
  busy,
}: {
  readonly context: SessionContext;
  readonly onCompact: () => void;
  readonly busy: boolean;
}) {
  const share = contextShare(context);
  const level = share === null ? "" : share >= context.compact_at ? " full" : share >= context.compact_at * 0.75 ? " filling" : "";
  const title =
    share === null
      ? "Tokens in the model's context (its window is unknown)"
      : `${Math.round(share * 100)}% of the model's context window; older turns are compacted at ${Math.round(context.compact_at * 100)}%`;
  return (
    <span className={`context-gauge${level}`} title={title}>
      <span aria-label="Context">{contextGauge(context)}</span>
      <button
        type="button"
        className="secondary"
        onClick={onCompact}
        disabled={busy}
        title="Prune old tool output and summarise older turns now"
      >
        Compact
      </button>
    </span>
  );
}
