/**
 * Credentials: what each one is (never its secret, only the hint), whether it works (expiry,
 * last error, a login that must be redone), a "Test" button that asks the provider for a word,
 * deletion, and adding an API key; a change pushed by the feed (a failed refresh) shows at once. The ChatGPT login lives beside it (CodexLogin), and signs in
 * again for a ChatGPT credential whose login expired or was revoked.
 */
import {
  ApiError,
  type Credential,
  type CredentialTestResult,
  type ProviderId,
  ProviderIdSchema,
  type RestClient,
} from "@maestro/protocol";
import { type FormEvent, useEffect, useState } from "react";
import { timeAgo } from "../../lib/format.ts";
import { useAction } from "../../lib/use-action.ts";
import { useLoad } from "../../lib/use-load.ts";
import { CodexLogin } from "./CodexLogin.tsx";
import { type FollowCredentials, followCredentials } from "./follow-credentials.ts";
import { ErrorText } from "../../components/ErrorText.tsx";

const API_KEY_PROVIDERS = ProviderIdSchema.options.filter((provider) => provider !== "codex");

function status(credential: Credential): string {
  if (!credential.is_enabled) return "disabled";
  if (credential.needs_reauth) return "needs a new login";
  if (credential.last_error !== null) return `error: ${credential.last_error}`;
  if (credential.expires_at !== null) return `ok, expires ${timeAgo(credential.expires_at)}`;
  return "ok";
}

function AddApiKey({ client, onAdded }: { readonly client: RestClient; readonly onAdded: () => void }) {
  const [provider, setProvider] = useState<ProviderId>("anthropic");
  const [label, setLabel] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [baseUrl, setBaseUrl] = useState("");
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await client.credentials.create({
        provider,
        auth_type: "api_key",
        label: label.trim() || provider,
        api_key: apiKey.trim(),
        ...(baseUrl.trim().length > 0 && { base_url: baseUrl.trim() }),
      });
      setApiKey("");
      setLabel("");
      setBaseUrl("");
      onAdded();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : "Could not add the key.");
    }
  }
  return (
    <form className="card new-session" aria-label="Add an API key" onSubmit={(event) => void submit(event)}>
      <label>
        Provider
        <select value={provider} onChange={(event) => setProvider(event.target.value as ProviderId)}>
          {API_KEY_PROVIDERS.map((each) => (
            <option key={each} value={each}>
              {each}
            </option>
          ))}
        </select>
      </label>
      <label>
        Label
        <input value={label} onChange={(event) => setLabel(event.target.value)} placeholder={provider} />
      </label>
      <label>
        API key
        <input type="password" autoComplete="off" value={apiKey} onChange={(event) => setApiKey(event.target.value)} required />
      </label>
      <label>
        Base URL
        <input value={baseUrl} onChange={(event) => setBaseUrl(event.target.value)} placeholder="optional (OpenRouter, vLLM, Ollama…)" />
      </label>
      <button type="submit" disabled={apiKey.trim().length === 0}>
        Add key
      </button>
      <ErrorText message={error} />
    </form>
  );
}

export function CredentialsPanel({
  client,
  follow = followCredentials,
}: {
  readonly client: RestClient;
  readonly follow?: FollowCredentials;
}) {
  const [state, reload] = useLoad(() => client.credentials.list());
  useEffect(() => follow(() => reload()), [follow, reload]);
  const [tests, setTests] = useState<Record<string, CredentialTestResult | "testing">>({});
  const [signInAgain, setSignInAgain] = useState<Credential | null>(null);

  async function test(id: Credential["id"]) {
    setTests((current) => ({ ...current, [id]: "testing" }));
    const result = await client.credentials.test(id).catch((failure: unknown): CredentialTestResult => ({
      ok: false,
      latency_ms: 0,
      message: failure instanceof Error ? failure.message : "failed",
    }));
    setTests((current) => ({ ...current, [id]: result }));
  }

  const [actionError, act] = useAction();

  function remove(credential: Credential) {
    if (!window.confirm(`Delete the credential “${credential.label}”? Sessions using it will stop working.`)) return;
    act(() => client.credentials.delete(credential.id).then(reload), `Could not delete “${credential.label}”.`);
  }

  return (
    <section aria-label="Credentials">
      <h2>Credentials</h2>
      {state.status === "loading" && <p className="muted">Loading…</p>}
      <ErrorText message={state.status === "error" ? state.message : actionError} />
      {state.status === "ready" && state.value.data.length === 0 && <p className="empty">No credentials yet. Add an API key below.</p>}
      {state.status === "ready" && state.value.data.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th>Label</th>
              <th>Provider</th>
              <th>Secret</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {state.value.data.map((credential) => {
              const tested = tests[credential.id];
              return (
                <tr key={credential.id}>
                  <td>{credential.label}</td>
                  <td>
                    {credential.provider} <span className="muted">{credential.auth_type === "oauth" ? "login" : "API key"}</span>
                  </td>
                  <td>
                    <code>{credential.hint}</code>
                  </td>
                  <td>
                    {status(credential)}
                    {tested !== undefined && (
                      <div className={tested === "testing" ? "muted" : tested.ok ? "ok-text" : "error"} role="status">
                        {tested === "testing" ? "Testing…" : `${tested.message} (${tested.latency_ms} ms)`}
                      </div>
                    )}
                  </td>
                  <td className="actions">
                    {credential.provider === "codex" && credential.auth_type === "oauth" && (
                      <button
                        type="button"
                        className={credential.needs_reauth ? undefined : "secondary"}
                        onClick={() => setSignInAgain(credential)}
                      >
                        Sign in again
                      </button>
                    )}
                    <button type="button" className="secondary" onClick={() => void test(credential.id)}>
                      Test
                    </button>
                    <button type="button" className="danger" onClick={() => remove(credential)}>
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <AddApiKey client={client} onAdded={reload} />
      <CodexLogin
        client={client}
        again={signInAgain}
        onSignedIn={() => {
          setSignInAgain(null);
          reload();
        }}
      />
    </section>
  );
}
