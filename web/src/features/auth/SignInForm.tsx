/**
 * Asks for the API token once and trades it for the session cookie; the token is not kept in the
 * page. Says whether the token was wrong, the server could not be reached, or this address has
 * tried too often (the server's words, which say how long to wait).
 */
import { ApiError, type WebSession } from "@maestro/protocol";
import { type FormEvent, useState } from "react";
import { ErrorText } from "../../components/ErrorText.tsx";

function reasonOf(failure: unknown): string {
  if (failure instanceof ApiError && failure.code === "UNAUTHORIZED") return "That token is not valid.";
  if (failure instanceof ApiError && failure.code === "RATE_LIMITED") return failure.message;
  return "Could not reach The Maestro.";
}

interface Props {
  readonly signIn: (token: string) => Promise<WebSession>;
  readonly onSignedIn: (session: WebSession) => void;
}

export function SignInForm({ signIn, onSignedIn }: Props) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setChecking(true);
    setError(null);
    try {
      const session = await signIn(token.trim());
      setToken("");
      onSignedIn(session);
    } catch (failure) {
      setError(reasonOf(failure));
    } finally {
      setChecking(false);
    }
  }

  return (
    <form className="card sign-in" onSubmit={(event) => void submit(event)}>
      <h1>The Maestro</h1>
      <label htmlFor="token">API token</label>
      <input
        id="token"
        type="password"
        autoComplete="current-password"
        value={token}
        onChange={(event) => setToken(event.target.value)}
        placeholder="printed by npm run dev"
        autoFocus
      />
      <button type="submit" disabled={checking || token.trim().length === 0}>
        {checking ? "Checking…" : "Sign in"}
      </button>
      <ErrorText message={error} />
    </form>
  );
}
