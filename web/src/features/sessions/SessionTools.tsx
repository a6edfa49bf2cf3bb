/**
 * Which tools a session offers its model: every tool enabled in Settings (`enabled_tools: null`),
 * or only those ticked here. A tool switched off in Settings is off for every session, so it is
 * shown but cannot be ticked. Saved with `configure`, so every client sees the change at once; a
 * list the server refuses comes back as the session's error and changes nothing.
 */
import type { Session, Tool, UpdateSessionBody } from "@maestro/protocol";
import { useEffect, useState } from "react";

export interface SessionToolsProps {
  readonly session: Session;
  /** The registry (GET /tools), or null while it loads. */
  readonly tools: readonly Tool[] | null;
  readonly configure: (changes: UpdateSessionBody) => boolean;
  readonly onMessage: (message: string) => void;
}

export function SessionTools({ session, tools, configure, onMessage }: SessionToolsProps) {
  const [chosen, setChosen] = useState<readonly string[] | null>(session.enabled_tools);
  // A change made anywhere shows here once it is applied.
  useEffect(() => setChosen(session.enabled_tools), [session.enabled_tools]);
  if (tools === null) return <p className="muted small">Loading the tools…</p>;
  const enabled = tools.filter((tool) => tool.is_enabled).map((tool) => tool.name);

  const toggle = (name: string, on: boolean) => {
    const current = chosen ?? enabled;
    setChosen(on ? [...current, name].filter((each, index, all) => all.indexOf(each) === index) : current.filter((each) => each !== name));
  };
  const same = (a: readonly string[] | null, b: readonly string[] | null) =>
    a === null || b === null ? a === b : a.length === b.length && a.every((name) => b.includes(name));
  const save = () => {
    if (same(chosen, session.enabled_tools)) return onMessage("Nothing changed.");
    onMessage(configure({ enabled_tools: chosen === null ? null : [...chosen] }) ? "Saved." : "Not connected; try again in a moment.");
  };

  return (
    <fieldset className="session-tools" aria-label="Tools">
      <legend>Tools the model may call in this session</legend>
      <label className="inline">
        <input type="radio" name="tool-scope" checked={chosen === null} onChange={() => setChosen(null)} />
        Every tool enabled in Settings
      </label>
      <label className="inline">
        <input type="radio" name="tool-scope" checked={chosen !== null} onChange={() => setChosen(chosen ?? enabled)} />
        Only these:
      </label>
      <ul className="tool-choices">
        {tools.map((tool) => (
          <li key={tool.id}>
            <label className="inline" title={tool.description}>
              <input
                type="checkbox"
                disabled={chosen === null || !tool.is_enabled}
                checked={tool.is_enabled && (chosen === null || chosen.includes(tool.name))}
                onChange={(event) => toggle(tool.name, event.target.checked)}
              />
              {tool.name} <span className="muted small">{tool.is_enabled ? tool.kind : "off in Settings"}</span>
            </label>
          </li>
        ))}
      </ul>
      <button type="button" className="secondary" onClick={save}>
        Save tools
      </button>
    </fieldset>
  );
}
