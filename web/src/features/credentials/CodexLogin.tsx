/**
 * Sign in with a ChatGPT subscription (Codex), labelled unofficial as it is: open the sign-in
 * page, then paste the address the browser ended on (a localhost page that fails to load is
 * expected), or use a device code when this browser cannot reach the sign-in page. Given a
 * credential, it signs in again for that one (a login that expired or was revoked) instead of
 * adding another.
 */
import { ApiError, type Credential, type DeviceLoginStarted, type OAuthStarted, type RestClient } from "@maestro/protocol";
import { useEffect, useState } from "react";

type Login =
  { readonly kind: "browser"; readonly started: OAuthStarted } | { readonly kind: "device"; readonly started: DeviceLoginStarted };

const failed = (failure: unknown, fallback: string) => (failure instanceof ApiError ? failure.message : fallback);

export function CodexLogin({
  client,
  onSignedIn,
  again,
}: {
  readonly client: RestClient;
  readonly onSignedIn: () => void;
  /** Sign in again for this credential rather than adding a new one. */
  readonly again?: Credential | null;
}) {
  const [login, setLogin] = useState<Login | null>(null);
  const [pasted, setPasted] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const target = again == null ? {} : { credential_id: again.id };

  useEffect(() => {
    // A new target (or none) forgets a login started for the previous one.
    setLogin(null);
  }, [again?.id]);

  function signedIn(credential: Credential) {
    setMessage(`Signed in: “${credential.label}”.`);
    setLogin(null);
    setPasted("");
    onSignedIn();
  }

  async function startBrowser() {
    setMessage(null);
    try {
      setLogin({ kind: "browser", started: await client.oauth.startCodex(target) });
    } catch (failure) {
      setMessage(failed(failure, "Could not start the login."));
    }
  }

  async function startDevice() {
    setMessage(null);
    try {
      setLogin({ kind: "device", started: await client.oauth.startCodexDevice(target) });
    } catch (failure) {
      setMessage(failed(failure, "Could not start the device login."));
    }
  }

  async function finish() {
    if (login?.kind !== "browser") return;
    try {
      signedIn(await client.oauth.finishCodex({ state: login.started.state, code: pasted.trim() }));
    } catch (failure) {
      setMessage(failed(failure, "Could not finish the login."));
    }
  }

  // A device login is finished by polling until the user has entered the code.
  const deviceState = login?.kind === "device" ? login.started : null;
  useEffect(() => {
    if (deviceState === null) return;
    let stopped = false;
    const timer = setInterval(() => {
      client.oauth
        .pollCodexDevice(deviceState.state)
        .then((polled) => {
          if (!stopped && !("status" in polled)) signedIn(polled);
        })
        .catch((failure: unknown) => {
          if (stopped) return;
          setMessage(failed(failure, "The device login failed."));
          setLogin(null);
        });
    }, deviceState.interval_seconds * 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
    // signedIn closes over setters and onSignedIn only: the poll restarts for a new login, not a render.
  }, [client, deviceState]);

  return (
    <div className="card codex-login" aria-label="ChatGPT login">
      <h3>
        {again == null ? "ChatGPT subscription (Codex)" : `Sign in again: ${again.label}`} <span className="badge waiting">unofficial</span>
      </h3>
      <p className="muted small">
        This signs in the way the Codex CLI does, presenting its public client, as llxprt does. OpenAI does not endorse it.
      </p>
      {login === null && (
        <div className="actions">
          <button type="button" onClick={() => void startBrowser()}>
            {again == null ? "Sign in with ChatGPT" : "Open the sign-in page"}
          </button>
          <button type="button" className="secondary" onClick={() => void startDevice()}>
            Use a device code
          </button>
        </div>
      )}
      {login?.kind === "browser" && (
        <>
          <p>
            1.{" "}
            <a href={login.started.authorize_url} target="_blank" rel="noreferrer">
              Open the ChatGPT sign-in page
            </a>{" "}
            and sign in.
          </p>
          <label>
            2. Paste the address your browser ended on ({login.started.redirect_uri}…)
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
      {login?.kind === "device" && (
        <p aria-label="Device code">
          Go to{" "}
          <a href={login.started.verification_uri} target="_blank" rel="noreferrer">
            {login.started.verification_uri}
          </a>{" "}
          and enter <code>{login.started.user_code}</code>. This page finishes by itself once you have.
        </p>
      )}
      {message !== null && <p role="status">{message}</p>}
    </div>
  );
}
