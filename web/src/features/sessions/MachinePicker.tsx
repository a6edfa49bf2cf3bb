/**
 * The machines (local agents) a session's tools run on: tick any number of the registered agents
 * and apply. None ticked: the most recently seen connected agent. With several, the model names a
 * machine on every local tool call. A `configure`, so every client sees the change at once; a
 * binding the server refuses comes back as the session's error and changes nothing.
 */
import type { Agent, Session, UpdateSessionBody } from "@maestro/protocol";
import { useEffect, useState } from "react";

export interface MachinePickerProps {
  readonly session: Session;
  readonly agents: readonly Agent[];
  readonly configure: (changes: UpdateSessionBody) => boolean;
  readonly onMessage: (message: string) => void;
}

export function MachinePicker({ session, agents, configure, onMessage }: MachinePickerProps) {
  const [chosen, setChosen] = useState<readonly string[]>(session.agents);
  useEffect(() => setChosen(session.agents), [session.agents]);
  const live = agents.filter((agent) => agent.revoked_at === null);
  // Keep the order the user ticked them in; names are unique among live agents, ignoring case.
  const toggle = (name: string) =>
    setChosen((current) => (current.includes(name) ? current.filter((each) => each !== name) : [...current, name]));
  const apply = () => onMessage(configure({ agents: [...chosen] }) ? "Saved." : "Not connected; try again in a moment.");
  return (
    <fieldset className="machines" aria-label="Machines">
      <legend>Machines the tools run on</legend>
      {live.length === 0 && <p className="muted small">No local agents yet: add one on the Agents page.</p>}
      {live.map((agent) => (
        <label key={agent.id} className="checkbox">
          <input type="checkbox" checked={chosen.includes(agent.name)} onChange={() => toggle(agent.name)} />
          {agent.name} <span className="muted small">{agent.connected ? "connected" : "offline"}</span>
        </label>
      ))}
      <p className="muted small">
        {chosen.length === 0
          ? "None chosen: tools run on the most recently seen connected agent."
          : chosen.length === 1
            ? `Tools run on ${chosen[0]}.`
            : `The model picks one of ${chosen.join(", ")} for each call.`}
      </p>
      <button type="button" className="secondary" onClick={apply}>
        Save machines
      </button>
    </fieldset>
  );
}
