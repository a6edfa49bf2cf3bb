/** Signed out: the sign-in form. Signed in: the sessions. */
import { useMemo, useState } from "react";
import { SignInForm } from "./features/auth/SignInForm.tsx";
import { apiClient, forgetToken, storeToken, storedToken } from "./lib/api.ts";
import { SessionsPage } from "./routes/SessionsPage.tsx";

export function App() {
  const [token, setToken] = useState<string | null>(storedToken);
  const client = useMemo(() => (token === null ? null : apiClient(token)), [token]);

  if (client === null) {
    return (
      <SignInForm
        connect={apiClient}
        onSignedIn={(accepted) => {
          storeToken(accepted);
          setToken(accepted);
        }}
      />
    );
  }
  return (
    <SessionsPage
      client={client}
      onSignOut={() => {
        forgetToken();
        setToken(null);
      }}
    />
  );
}
