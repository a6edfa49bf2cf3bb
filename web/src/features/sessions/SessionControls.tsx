/**
 * A session's settings from its own page: rename it, switch its credential (and so provider) or
 * model (suggested from the model catalog), the machines its tools run on, its fallback models,
 * its tools and what its tool calls do while its local agent is offline — sent over the socket, so every client sees the change at
 * once — save it as a template (fallbacks included), or archive it.
 */
import { ApiError, type RestClient, type Session, type UpdateSessionBody } from "@maestro/protocol";
import { useEffect, useState } from "react";
import { useLoad } from "../../lib/use-load.ts";
import { ModelPicker } from "../models/ModelPicker.tsx";
import { useModels } from "../models/use-models.ts";
import { AgentOfflineSetting } from "./AgentOfflineSetting.tsx";
import { FallbackList } from "./FallbackList.tsx";
import { SessionTools } from "./SessionTools.tsx";
import { credentialName } from "../../lib/format.ts";
import { MachinePicker } from "./MachinePicker.tsx";

export interface SessionControlsProps {
  readonly client: RestClient;
  readonly session: Session;
  readonly configure: (changes: UpdateSessionBody) => boolean;
}

export function SessionControls({ client, session, configure }: SessionControlsProps) {
  const [credentials] = useLoad(() => client.credentials.list());
  const [tools] = useLoad(() => client.tools.list());
  const [agents] = useLoad(() => client.agents.list());
  const models = useModels(client);
  const [title, setTitle] = useState(session.title);
  const [model, setModel] = useState(session.model);
  const [credentialId, setCredentialId] = useState(session.credential_id ?? "");
  const [message, setMessage] = useState<string | null>(null);
  // A change made anywhere (this page, another tab, the TUI) shows here once it is applied.
  useEffect(() => setTitle(session.title), [session.title]);
  useEffect(() => setModel(session.model), [session.model]);
  useEffect(() => setCredentialId(session.credential_id ?? ""), [session.credential_id]);
  const list = credentials.status === "ready" ? credentials.value.data : [];
  const provider = list.find((each) => each.id === credentialId)?.provider ?? session.provider;

  const apply = () => {
    const credential = list.find((each) => each.id === credentialId);
    const changes: UpdateSessionBody = {
      ...(title.trim() !== session.title && { title: title.trim() }),
      ...(model.trim() !== session.model && { model: model.trim() }),
      ...(credential !== undefined &&
        credential.id !== session.credential_id && { credential_id: credential.id, provider: credential.provider }),
    };
    if (Object.keys(changes).length === 0) return setMessage("Nothing changed.");
    setMessage(configure(changes) ? "Saved." : "Not connected; try again in a moment.");
  };

  const saveAsTemplate = async () => {
    try {
      const template = await client.templates.create({
        name: session.title,
        provider: session.provider,
        model: session.model,
        ...(session.credential_id !== null && { credential_id: session.credential_id }),
        ...(session.system_prompt !== null && { system_prompt: session.system_prompt }),
        enabled_tools: session.enabled_tools,
        enabled_mcp: session.enabled_mcp,
        approval_mode: session.approval_mode,
        agent_offline: session.agent_offline,
        agent_offline_grace_ms: session.agent_offline_grace_ms,
        fallbacks: session.fallbacks,
        agents: [...session.agents],
      });
      setMessage(`Saved as the template “${template.name}”.`);
    } catch (failure) {
      setMessage(failure instanceof ApiError ? failure.message : "Could not save the template.");
    }
  };

  const archive = async () => {
    if (!window.confirm(`Archive “${session.title}”?`)) return;
    try {
      await client.sessions.archive(session.id);
      window.location.hash = "#/";
    } catch (failure) {
      setMessage(failure instanceof ApiError ? failure.message : "Could not archive the session.");
    }
  };

  return (
    <details className="card session-controls">
      <summary>Session settings</summary>
      <div className="new-session">
        <label>
          Title
          <input value={title} onChange={(event) => setTitle(event.target.value)} />
        </label>
        <label>
          Credential
          <select value={credentialId} onChange={(event) => setCredentialId(event.target.value)}>
            {list.map((credential) => (
              <option key={credential.id} value={credential.id} disabled={credential.needs_reauth}>
                {credentialName(credential)}
              </option>
            ))}
          </select>
        </label>
        <ModelPicker models={models} provider={provider} value={model} onChange={setModel} />
        <button type="button" onClick={apply}>
          Apply
        </button>
        <button type="button" className="secondary" onClick={() => void saveAsTemplate()}>
          Save as template
        </button>
        <button type="button" className="danger" onClick={() => void archive()}>
          Archive
        </button>
      </div>
      <MachinePicker
        session={session}
        agents={agents.status === "ready" ? agents.value.data : []}
        configure={configure}
        onMessage={setMessage}
      />
      <FallbackList session={session} credentials={list} configure={configure} onMessage={setMessage} />
      <SessionTools
        session={session}
        tools={tools.status === "ready" ? tools.value.data : null}
        configure={configure}
        onMessage={setMessage}
      />
      <AgentOfflineSetting session={session} configure={configure} onMessage={setMessage} />
      {message !== null && <p role="status">{message}</p>}
    </details>
  );
}
