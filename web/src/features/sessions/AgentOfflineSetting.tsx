/**
 * What the session's tool calls do while its local agent is offline: fail at once (the model is
 * told AGENT_OFFLINE), or wait for the agent — the card reads "waiting for <agent> (offline)" —
 * for at most the grace period. Sent over the socket like the session's other settings.
 */
import type { AgentOfflineMode, Session, UpdateSessionBody } from "@maestro/protocol";
import { useEffect, useState } from "react";

export interface AgentOfflineSettingProps {
  readonly session: Session;
  readonly configure: (changes: UpdateSessionBody) => boolean;
  readonly onMessage: (message: string) => void;
}

const MS_PER_MINUTE = 60_000;
/** AgentOfflineGraceSchema: 1 s to 24 h, shown in minutes. */
const MAX_MINUTES = 1440;

export function AgentOfflineSetting({ session, configure, onMessage }: AgentOfflineSettingProps) {
  const [mode, setMode] = useState<AgentOfflineMode>(session.agent_offline);
  const [minutes, setMinutes] = useState(String(session.agent_offline_grace_ms / MS_PER_MINUTE));
  useEffect(() => setMode(session.agent_offline), [session.agent_offline]);
  useEffect(() => setMinutes(String(session.agent_offline_grace_ms / MS_PER_MINUTE)), [session.agent_offline_grace_ms]);

  const apply = () => {
    const graceMs = Math.round(Number(minutes) * MS_PER_MINUTE);
    if (!Number.isFinite(graceMs) || graceMs < 1000 || graceMs > MAX_MINUTES * MS_PER_MINUTE) {
      return onMessage(`The wait must be between 1 second and ${MAX_MINUTES} minutes.`);
    }
    const changes: UpdateSessionBody = {
      ...(mode !== session.agent_offline && { agent_offline: mode }),
      ...(graceMs !== session.agent_offline_grace_ms && { agent_offline_grace_ms: graceMs }),
    };
    if (Object.keys(changes).length === 0) return onMessage("Nothing changed.");
    onMessage(configure(changes) ? "Saved." : "Not connected; try again in a moment.");
  };

  return (
    <fieldset className="new-session" aria-label="When the local agent is offline">
      <legend>When the local agent is offline</legend>
      <label>
        Tool calls
        <select value={mode} onChange={(event) => setMode(event.target.value as AgentOfflineMode)}>
          <option value="fail">fail at once</option>
          <option value="wait">wait for it</option>
        </select>
      </label>
      <label>
        Wait at most (minutes)
        <input type="number" min={0.1} max={MAX_MINUTES} step="any" value={minutes} onChange={(event) => setMinutes(event.target.value)} />
      </label>
      {/* Not "Apply": the session's other settings have that button. */}
      <button type="button" onClick={apply}>
        Set offline behaviour
      </button>
    </fieldset>
  );
}
