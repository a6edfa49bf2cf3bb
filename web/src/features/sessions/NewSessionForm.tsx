/**
 * Start a session: pick a credential (which fixes the provider), a model (prefilled with a
 * sensible one, suggested from the model catalog with its window and price), a title and an approval mode. Credentials that need a new login are shown but
 * cannot be picked.
 */
import { ApiError, type ApprovalMode, type Credential, type RestClient, type Session, TemplateIdSchema } from "@maestro/protocol";
import { type FormEvent, useState } from "react";
import { SUGGESTED_MODEL } from "../../lib/models.ts";
import { ModelPicker } from "../models/ModelPicker.tsx";
import { useModels } from "../models/use-models.ts";
import { useLoad } from "../../lib/use-load.ts";
import { ErrorText } from "../../components/ErrorText.tsx";
import { credentialName } from "../../lib/format.ts";

export function NewSessionForm({ client, onCreated }: { readonly client: RestClient; readonly onCreated: (session: Session) => void }) {
  const [loaded] = useLoad(() => client.credentials.list());
  const [templates] = useLoad(() => client.templates.list());
  const models = useModels(client);
  const [templateId, setTemplateId] = useState("");
  // Empty until the user picks: then the first usable credential and its provider's model apply.
  const [credentialId, setCredentialId] = useState("");
  const [modelChoice, setModelChoice] = useState("");
  const [title, setTitle] = useState("");
  const [approvalMode, setApprovalMode] = useState<ApprovalMode>("ask");
  const [error, setError] = useState<string | null>(null);

  const credentials: readonly Credential[] | null = loaded.status === "ready" ? loaded.value.data : null;
  const usable = credentials?.filter((credential) => credential.is_enabled && !credential.needs_reauth) ?? [];
  const chosen = usable.find((credential) => credential.id === credentialId) ?? usable[0];
  const model = modelChoice !== "" ? modelChoice : chosen === undefined ? "" : SUGGESTED_MODEL[chosen.provider];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    if (templateId !== "") {
      try {
        onCreated(
          await client.sessions.create({
            template_id: TemplateIdSchema.parse(templateId),
            ...(title.trim().length > 0 && { title: title.trim() }),
          }),
        );
      } catch (failure) {
        setError(failure instanceof ApiError ? failure.message : "Could not create the session.");
      }
      return;
    }
    if (chosen === undefined) return;
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
      {templates.status === "ready" && templates.value.data.length > 0 && (
        <label>
          Template
          <select value={templateId} onChange={(event) => setTemplateId(event.target.value)}>
            <option value="">none (choose below)</option>
            {templates.value.data.map((template) => (
              <option key={template.id} value={template.id}>
                {template.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Credential
        <select
          value={chosen?.id ?? ""}
          onChange={(event) => {
            setCredentialId(event.target.value);
            setModelChoice("");
          }}
        >
          {credentials?.map((credential) => (
            <option key={credential.id} value={credential.id} disabled={credential.needs_reauth || !credential.is_enabled}>
              {credentialName(credential)}
              {credential.needs_reauth ? " — needs a new login" : ""}
            </option>
          ))}
        </select>
      </label>
      <ModelPicker models={models} provider={chosen?.provider} value={model} onChange={setModelChoice} required />
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
      <button type="submit" disabled={templateId === "" && (chosen === undefined || model.trim().length === 0)}>
        Create session
      </button>
      <ErrorText message={error} />
    </form>
  );
}
