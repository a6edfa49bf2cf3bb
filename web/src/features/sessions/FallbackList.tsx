/**
 * A session's fallback models, in the order they are tried when its model fails for good
 * (overloaded, a refused key, a model that is gone): add one (a credential and a model on its
 * provider), remove one. Each change is a `configure`, so every client sees it at once; a list the
 * server refuses comes back as the session's error and changes nothing.
 */
import type { Credential, Fallback, Session, UpdateSessionBody } from "@maestro/protocol";
import { useState } from "react";
import { credentialName } from "../../lib/format.ts";

export interface FallbackListProps {
  readonly session: Session;
  readonly credentials: readonly Credential[];
  readonly configure: (changes: UpdateSessionBody) => boolean;
  readonly onMessage: (message: string) => void;
}

export function FallbackList({ session, credentials, configure, onMessage }: FallbackListProps) {
  const [credentialId, setCredentialId] = useState("");
  const [model, setModel] = useState("");
  const labelOf = (fallback: Fallback) =>
    credentials.find((credential) => credential.id === (fallback.credential_id ?? session.credential_id))?.label ??
    "the session's credential";
  const save = (fallbacks: Fallback[]) => onMessage(configure({ fallbacks }) ? "Saved." : "Not connected; try again in a moment.");
  const add = () => {
    const credential = credentials.find((each) => each.id === credentialId);
    if (credential === undefined || model.trim().length === 0)
      return onMessage("Choose where the fallback runs (a credential) and name its model.");
    save([...session.fallbacks, { provider: credential.provider, model: model.trim(), credential_id: credential.id }]);
    setModel("");
  };
  return (
    <fieldset className="fallbacks" aria-label="Fallback models">
      <legend>Fallback models, tried in order when the model fails for good</legend>
      {session.fallbacks.length === 0 && <p className="muted small">None: a turn whose model fails for good fails.</p>}
      <ol>
        {session.fallbacks.map((fallback, index) => (
          <li key={`${index}-${fallback.provider}-${fallback.model}`}>
            {fallback.provider}/{fallback.model} <span className="muted small">({labelOf(fallback)})</span>{" "}
            <button
              type="button"
              className="secondary"
              aria-label={`Remove fallback ${fallback.provider}/${fallback.model}`}
              onClick={() => save(session.fallbacks.filter((_, at) => at !== index))}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <label>
        Fallback via
        <select value={credentialId} onChange={(event) => setCredentialId(event.target.value)}>
          <option value="">Choose…</option>
          {credentials.map((credential) => (
            <option key={credential.id} value={credential.id} disabled={credential.needs_reauth}>
              {credentialName(credential)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Fallback model
        <input value={model} onChange={(event) => setModel(event.target.value)} placeholder="gpt-4.1" />
      </label>
      <button type="button" className="secondary" onClick={add}>
        Add fallback
      </button>
    </fieldset>
  );
}
