/**
 * Remote MCP servers: add one (headers stored encrypted, only their names shown), test it by
 * listing its tools as the model will see them, sign in to servers that require it, remove it.
 */
import { ApiError, type McpServer, type McpServerToolList, type McpTransport, type RestClient } from "@maestro/protocol";
import { type FormEvent, useState } from "react";
import { useAction } from "../../lib/use-action.ts";
import { useLoad } from "../../lib/use-load.ts";
import { ErrorText } from "../../components/ErrorText.tsx";

export function McpPanel({ client }: { readonly client: RestClient }) {
  const [state, reload] = useLoad(() => client.mcpServers.list());
  const [tools, setTools] = useState<Record<string, McpServerToolList | string>>({});
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [transport, setTransport] = useState<McpTransport>("streamable_http");
  const [error, setError] = useState<string | null>(null);

  async function add(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await client.mcpServers.create({ name: name.trim(), url: url.trim(), transport });
      setName("");
      setUrl("");
      reload();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : "Could not add the server.");
    }
  }

  async function test(server: McpServer) {
    setTools((current) => ({ ...current, [server.id]: "Connecting…" }));
    const result = await client.mcpServers
      .tools(server.id)
      .catch((failure: unknown) => (failure instanceof Error ? failure.message : "failed"));
    setTools((current) => ({ ...current, [server.id]: result }));
  }

  const [actionError, act] = useAction();

  function signIn(server: McpServer) {
    act(async () => {
      const started = await client.oauth.startMcp({ mcp_server_id: server.id });
      window.open(started.authorize_url, "_blank", "noopener");
    }, `Could not start signing in to ${server.name}.`);
  }

  return (
    <section aria-label="MCP servers">
      <h2>MCP servers</h2>
      {state.status === "loading" && <p className="muted">Loading…</p>}
      <ErrorText message={state.status === "error" ? state.message : actionError} />
      {state.status === "ready" && state.value.data.length === 0 && <p className="empty">No remote MCP servers yet.</p>}
      {state.status === "ready" &&
        state.value.data.map((server) => {
          const listed = tools[server.id];
          return (
            <div key={server.id} className="card mcp-server" aria-label={`MCP server ${server.name}`}>
              <header className="bar">
                <strong>{server.name}</strong>
                <span className="muted">
                  {server.transport} · {server.url}
                </span>
                {server.oauth !== "none" && (
                  <span className={`badge ${server.oauth === "connected" ? "ok" : "waiting"}`}>
                    {server.oauth === "connected" ? "signed in" : "needs sign-in"}
                  </span>
                )}
                <button type="button" className="secondary" onClick={() => void test(server)}>
                  Test connection
                </button>
                <button type="button" className="secondary" onClick={() => signIn(server)}>
                  Sign in
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => act(() => client.mcpServers.delete(server.id).then(reload), `Could not remove ${server.name}.`)}
                >
                  Remove
                </button>
              </header>
              {typeof listed === "string" && <p role="status">{listed}</p>}
              {typeof listed === "object" && (
                <ul aria-label={`Tools of ${server.name}`}>
                  {listed.data.map((tool) => (
                    <li key={tool.name}>
                      <code>{tool.name}</code> <span className="muted small">{tool.kind}</span> — {tool.description}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          );
        })}
      <form className="card new-session" aria-label="Add an MCP server" onSubmit={(event) => void add(event)}>
        <label>
          Name
          <input value={name} onChange={(event) => setName(event.target.value)} placeholder="context7" required />
        </label>
        <label>
          URL
          <input value={url} onChange={(event) => setUrl(event.target.value)} placeholder="https://…/mcp" required />
        </label>
        <label>
          Transport
          <select value={transport} onChange={(event) => setTransport(event.target.value as McpTransport)}>
            <option value="streamable_http">Streamable HTTP</option>
            <option value="sse">SSE</option>
          </select>
        </label>
        <button type="submit">Add server</button>
        <ErrorText message={error} />
      </form>
    </section>
  );
}
