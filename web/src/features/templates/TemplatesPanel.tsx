/**
 * Templates: named starting points for sessions (provider, model, credential, system prompt,
 * approval mode, what tool calls do while the local agent is offline). Create one, edit it in place, delete it; a session can be saved as one from its
 * own page, and "New session" can start from one.
 */
import { type AgentOfflineMode, ApiError, type ApprovalMode, type RestClient, type Template } from "@maestro/protocol";
import { type FormEvent, useState } from "react";
import { SUGGESTED_MODEL } from "../../lib/models.ts";
import { useAction } from "../../lib/use-action.ts";
import { useLoad } from "../../lib/use-load.ts";
import { ErrorText } from "../../components/ErrorText.tsx";
import { credentialName } from "../../lib/format.ts";

function TemplateForm({
  client,
  template,
  onSaved,
}: {
  readonly client: RestClient;
  readonly template: Template | null;
  readonly onSaved: () => void;
}) {
  const [credentials] = useLoad(() => client.credentials.list());
  const [name, setName] = useState(template?.name ?? "");
  const [credentialId, setCredentialId] = useState(template?.credential_id ?? "");
  const [model, setModel] = useState(template?.model ?? "");
  const [systemPrompt, setSystemPrompt] = useState(template?.system_prompt ?? "");
  const [approvalMode, setApprovalMode] = useState<ApprovalMode>(template?.approval_mode ?? "ask");
  const [agentOffline, setAgentOffline] = useState<AgentOfflineMode>(template?.agent_offline ?? "fail");
  const [error, setError] = useState<string | null>(null);
  const list = credentials.status === "ready" ? credentials.value.data : [];
  const chosen = list.find((credential) => credential.id === credentialId) ?? list[0];

  async function save(event: FormEvent) {
    event.preventDefault();
    if (chosen === undefined) return;
    const body = {
      name: name.trim(),
      provider: chosen.provider,
      model: model.trim() || SUGGESTED_MODEL[chosen.provider],
      credential_id: chosen.id,
      system_prompt: systemPrompt,
      approval_mode: approvalMode,
      agent_offline: agentOffline,
    };
    try {
      if (template === null) await client.templates.create(body);
      else await client.templates.update(template.id, body);
      if (template === null) {
        setName("");
        setSystemPrompt("");
      }
      onSaved();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : "Could not save the template.");
    }
  }

  return (
    <form
      className="card new-session"
      aria-label={template === null ? "New template" : `Edit ${template.name}`}
      onSubmit={(event) => void save(event)}
    >
      <label>
        Name
        <input value={name} onChange={(event) => setName(event.target.value)} required />
      </label>
      <label>
        Credential
        <select value={chosen?.id ?? ""} onChange={(event) => setCredentialId(event.target.value)}>
          {list.map((credential) => (
            <option key={credential.id} value={credential.id}>
              {credentialName(credential)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Model
        <input
          value={model}
          onChange={(event) => setModel(event.target.value)}
          placeholder={chosen === undefined ? "" : SUGGESTED_MODEL[chosen.provider]}
        />
      </label>
      <label>
        Approvals
        <select value={approvalMode} onChange={(event) => setApprovalMode(event.target.value as ApprovalMode)}>
          <option value="ask">ask before edits and commands</option>
          <option value="always">ask before every tool call</option>
          <option value="auto">never ask</option>
        </select>
      </label>
      <label>
        When the local agent is offline
        <select value={agentOffline} onChange={(event) => setAgentOffline(event.target.value as AgentOfflineMode)}>
          <option value="fail">tool calls fail at once</option>
          <option value="wait">tool calls wait for it</option>
        </select>
      </label>
      <label className="wide">
        System prompt
        <textarea rows={3} value={systemPrompt} onChange={(event) => setSystemPrompt(event.target.value)} />
      </label>
      <button type="submit" disabled={name.trim().length === 0 || chosen === undefined}>
        {template === null ? "Create template" : "Save"}
      </button>
      <ErrorText message={error} />
    </form>
  );
}

export function TemplatesPanel({ client }: { readonly client: RestClient }) {
  const [state, reload] = useLoad(() => client.templates.list());
  const [editing, setEditing] = useState<string | null>(null);
  const [actionError, act] = useAction();
  return (
    <section aria-label="Templates">
      <h2>Templates</h2>
      {state.status === "loading" && <p className="muted">Loading…</p>}
      <ErrorText message={state.status === "error" ? state.message : actionError} />
      {state.status === "ready" && state.value.data.length === 0 && (
        <p className="empty">No templates yet. Create one, or save a session as one from its page.</p>
      )}
      {state.status === "ready" &&
        state.value.data.map((template) =>
          editing === template.id ? (
            <TemplateForm
              key={template.id}
              client={client}
              template={template}
              onSaved={() => {
                setEditing(null);
                reload();
              }}
            />
          ) : (
            <div key={template.id} className="card bar" aria-label={`Template ${template.name}`}>
              <strong>{template.name}</strong>
              <span className="muted">
                {template.provider} · {template.model} · approvals: {template.approval_mode}
              </span>
              <button type="button" className="secondary" onClick={() => setEditing(template.id)}>
                Edit
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => act(() => client.templates.delete(template.id).then(reload), `Could not delete “${template.name}”.`)}
              >
                Delete
              </button>
            </div>
          ),
        )}
      <TemplateForm client={client} template={null} onSaved={reload} />
    </section>
  );
}
