/**
 * Start a session: pick a credential (which fixes the provider), a model (prefilled with a
 * sensible one), a title and an approval mode. Credentials that need a new login are shown but
 * cannot be picked.
 */
import { ApiError, type ApprovalMode, type Credential, type RestClient, type Session } from "@maestro/protocol";
import { type FormEvent, useEffect, useState } from "react";
import { SUGGESTED_MODEL } from "../../lib/models.ts";

export function NewSessionForm({ client, onCreated }: { readonly client: RestClient; readonly onCreated: (session: Session) => void }) {
  const [credentials, setCredentials] = useState<readonly Credential[] | null>(null);
  const [credentialId, setCredentialId] = useState("");
  const [model, setModel] = useState("");
  const [title, setTitle] = useState("");
  const [approvalMode, setApprovalMode] = useState<ApprovalMode>("ask");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.credentials.list().then(
      (list) => {
        const usable = list.data.filter((credential) => credential.is_enabled && !credential.needs_reauth);
        setCredentials(list.data);
        const first = usable[0];
        if (first !== undefined) {
          setCredentialId(first.id);
          setModel(SUGGESTED_MODEL[first.provider]);
        }
      },
      () => setError("Could not load credentials."),
    );
  }, [client]);

  const chosen = credentials?.find((credential) => credential.id === credentialId);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (chosen === undefined) return;
    setError(null);
    try {
      const session = await client.sessions.create({
        provider: chosen.provider,
        model: model.trim(),
        credential_id: chosen.id,
        approval_mode: approvalMode,
        ...(title.trim().length > 0 && { title: title.trim() }),
      });
      onCreated(session);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : "Could not create the session.");
    }
  }

  if (credentials !== null && credentials.length === 0) {
    return <p className="empty">Add a credential first (an API key, or a ChatGPT login) to start a session.</p>;
  }
  return (
    <form className="card new-session" onSubmit={(event) => void submit(event)} aria-label="New session">
      <label>
        Credential
        <select
          value={credentialId}
          onChange={(event) => {
            setCredentialId(event.target.value);
            const next = credentials?.find((credential) => credential.id === event.target.value);
            if (next !== undefined) setModel(SUGGESTED_MODEL[next.provider]);
          }}
        >
          {credentials?.map((credential) => (
            <option key={credential.id} value={credential.id} disabled={credential.needs_reauth || !credential.is_enabled}>
              {credential.label} ({credential.provider}){credential.needs_reauth ? " — needs a new login" : ""}
            </option>
          ))}
        </select>
      </label>
      <label>
        Model
        <input value={model} onChange={(event) => setModel(event.target.value)} required />
      </label>
      <label>
        Title
        <input value={title} onChange={(event) => setTitle(event.target.value)} placeholder="optional" />
      </label>
      <label>
        Approvals
        <select value={approvalMode} onChange={(event) => setApprovalMode(event.target.value as ApprovalMode)}>
          <option value="ask">ask before edits and commands</option>
          <option value="always">ask before every tool call</option>
          <option value="auto">never ask</option>
        </select>
      </label>
      <button type="submit" disabled={chosen === undefined || model.trim().length === 0}>
        Create session
      </button>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
