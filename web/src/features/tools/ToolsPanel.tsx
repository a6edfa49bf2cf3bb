/**
 * The tool registry: turn a tool on or off for every session, and decide when it needs approval
 * (`default`: the session's mode and the tool's kind decide; `ask`; `auto`).
 */
import type { RestClient, Tool, ToolApproval } from "@maestro/protocol";
import { useEffect, useState } from "react";
import { useAction } from "../../lib/use-action.ts";
import { useLoad } from "../../lib/use-load.ts";
import { ErrorText } from "../../components/ErrorText.tsx";

type ToolChange = { is_enabled?: boolean; approval?: ToolApproval };

export function ToolsPanel({ client }: { readonly client: RestClient }) {
  const [state, reload] = useLoad(() => client.tools.list());
  const [actionError, act] = useAction();
  // A change shows at once, until the list loaded again after it (or its failure) replaces it.
  const [pending, setPending] = useState<Record<string, ToolChange>>({});
  useEffect(() => setPending({}), [state]);
  const update = (tool: Tool, change: ToolChange) => {
    setPending((current) => ({ ...current, [tool.id]: { ...current[tool.id], ...change } }));
    act(
      () =>
        client.tools.update(tool.id, change).then(reload, (failure: unknown) => {
          setPending(({ [tool.id]: _failed, ...rest }) => rest);
          throw failure;
        }),
      `Could not change ${tool.name}.`,
    );
  };
  const shown = (tool: Tool): Tool => ({ ...tool, ...pending[tool.id] });
  return (
    <section aria-label="Tools">
      <h2>Tools</h2>
      {state.status === "loading" && <p className="muted">Loading…</p>}
      <ErrorText message={state.status === "error" ? state.message : actionError} />
      {state.status === "ready" && (
        <table className="grid">
          <thead>
            <tr>
              <th>Tool</th>
              <th>Runs on</th>
              <th>Kind</th>
              <th>Enabled</th>
              <th>Approval</th>
            </tr>
          </thead>
          <tbody>
            {state.value.data.map(shown).map((tool) => (
              <tr key={tool.id}>
                <td>
                  <code>{tool.name}</code>
                  <div className="muted small">{tool.description}</div>
                </td>
                <td>{tool.source === "local" ? "your machine" : tool.source}</td>
                <td>{tool.kind}</td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Enable ${tool.name}`}
                    checked={tool.is_enabled}
                    onChange={(event) => update(tool, { is_enabled: event.target.checked })}
                  />
                </td>
                <td>
                  <select
                    aria-label={`Approval for ${tool.name}`}
                    value={tool.approval}
                    onChange={(event) => update(tool, { approval: event.target.value as ToolApproval })}
                  >
                    <option value="default">session decides</option>
                    <option value="ask">always ask</option>
                    <option value="auto">never ask</option>
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
