/**
 * Sign in with a ChatGPT subscription (Codex), labelled unofficial as it is: open the sign-in
 * page, then paste the address the browser ended on (a localhost page that fails to load is
 * expected), or use a device code when this browser cannot reach the sign-in page.
 */
import { ApiError, type OAuthStarted, type RestClient } from "@maestro/protocol";
import { useState } from "react";

export function CodexLogin({ client, onSignedIn }: { readonly client: RestClient; readonly onSignedIn: () => void }) {
  const [login, setLogin] = useState<OAuthStarted | null>(null);
  const [pasted, setPasted] = useState("");
  const [message, setMessage] = useState<string | null>(null);

  async function start() {
    setMessage(null);
    try {
      setLogin(await client.oauth.startCodex({}));
    } catch (failure) {
      setMessage(failure instanceof ApiError ? failure.message : "Could not start the login.");
    }
  }

  async function finish() {
    if (login === null) return;
    try {
      const credential = await client.oauth.finishCodex({ state: login.state, code: pasted.trim() });
      setMessage(`Signed in: “${credential.label}”.`);
      setLogin(null);
      setPasted("");
      onSignedIn();
    } catch (failure) {
      setMessage(failure instanceof ApiError ? failure.message : "Could not finish the login.");
    }
  }

  return (
    <div className="card codex-login" aria-label="ChatGPT login">
      <h3>
        ChatGPT subscription (Codex) <span className="badge waiting">unofficial</span>
      </h3>
      <p className="muted small">
        This signs in the way the Codex CLI does, presenting its public client, as llxprt does. OpenAI does not endorse it.
      </p>
      {login === null ? (
        <button type="button" onClick={() => void start()}>
          Sign in with ChatGPT
        </button>
      ) : (
        <>
          <p>
            1.{" "}
            <a href={login.authorize_url} target="_blank" rel="noreferrer">
              Open the ChatGPT sign-in page
            </a>{" "}
            and sign in.
          </p>
          <label>
            2. Paste the address your browser ended on ({login.redirect_uri}…)
            <input
              value={pasted}
              onChange={(event) => setPasted(event.target.value)}
              placeholder="http://localhost:1455/auth/callback?code=…"
            />
          </label>
          <button type="button" disabled={pasted.trim().length === 0} onClick={() => void finish()}>
            Finish sign-in
          </button>
        </>
      )}
      {message !== null && <p role="status">{message}</p>}
    </div>
  );
}
