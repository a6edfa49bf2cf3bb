/**
 * Local agents: which are connected, their roots and version, whether their commands run in an OS
 * sandbox, when they were last seen; create one (its token is shown exactly once, with the
 * commands that store it in a 0600 file and start the agent — never on a command line); revoke one.
 * The list is asked again every few seconds, so an agent that stops or loses its network shows
 * offline here within seconds of the Worker noticing (10 s at most), without a reload.
 */
import { type CreatedAgent, type RestClient } from "@maestro/protocol";
import { type FormEvent, useEffect, useState } from "react";
import { timeAgo } from "../../lib/format.ts";
import { useAction } from "../../lib/use-action.ts";
import { useLoad } from "../../lib/use-load.ts";
import { ErrorText } from "../../components/ErrorText.tsx";
import { sandboxLabel } from "./sandbox-label.ts";

/** How often the page asks again whether each agent is connected. */
export const AGENTS_REFRESH_MS = 3_000;

export function AgentsPanel({ client }: { readonly client: RestClient }) {
  const [state, reload] = useLoad(() => client.agents.list());
  useEffect(() => {
    const timer = setInterval(reload, AGENTS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<CreatedAgent | null>(null);

  const [actionError, act] = useAction();

  function create(event: FormEvent) {
    event.preventDefault();
    act(async () => {
      setCreated(await client.agents.create({ name: name.trim() }));
      setName("");
      reload();
    }, "Could not create the agent.");
  }

  return (
    <section aria-label="Local agents">
      <h2>Local agents</h2>
      {state.status === "loading" && <p className="muted">Loading…</p>}
      <ErrorText message={state.status === "error" ? state.message : actionError} />
      {state.status === "ready" && state.value.data.length === 0 && (
        <p className="empty">No local agents yet. Create one to let models work on your machine.</p>
      )}
      {state.status === "ready" && state.value.data.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th>Name</th>
              <th>State</th>
              <th>Roots</th>
              <th>Commands</th>
              <th>Last seen</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {state.value.data.map((agent) => (
              <tr key={agent.id}>
                <td>
                  {agent.name} {agent.version !== null && <span className="muted">v{agent.version}</span>}
                </td>
                <td>{agent.revoked_at !== null ? "revoked" : agent.connected ? <span className="ok-text">connected</span> : "offline"}</td>
                <td>{agent.roots.join(", ") || "—"}</td>
                <td className={agent.sandbox?.commands === "none" ? "warn-text" : undefined} title={agent.sandbox?.summary}>
                  {sandboxLabel(agent.sandbox)}
                </td>
                <td>{agent.last_seen_at === null ? "never" : timeAgo(agent.last_seen_at)}</td>
                <td className="actions">
                  {agent.revoked_at === null && (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => {
                        if (window.confirm(`Revoke “${agent.name}”? It disconnects now and its token stops working.`))
                          act(() => client.agents.delete(agent.id).then(reload), "Could not revoke the agent.");
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="card new-session" aria-label="Create a local agent" onSubmit={create}>
        <label>
          Name
          <input value={name} onChange={(event) => setName(event.target.value)} placeholder="laptop" required />
        </label>
        <button type="submit" disabled={name.trim().length === 0}>
          Create agent
        </button>
      </form>
      {created !== null && (
        <div className="card" role="status">
          <p>
            The token for “{created.name}” is shown <strong>only now</strong>. On that machine, keep it in a file only you can read, then
            start the agent (it never takes the token on its command line):
          </p>
          <pre className="agent-command">
            {[
              `mkdir -p ~/.config/maestro && (umask 077 && echo '${created.token}' > ~/.config/maestro/agent-token)`,
              `maestro-agent --url ${window.location.origin} --root <your project>`,
            ].join("\n")}
          </pre>
          <p className="muted">
            <code>maestro-agent</code> is the installed package (see the README), or <code>npm run agent --</code> in a checkout of this
            repository.
          </p>
          <button type="button" className="secondary" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      )}
    </section>
  );
}
