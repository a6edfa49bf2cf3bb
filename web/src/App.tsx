/** Signed out: the sign-in form. Signed in (a live session cookie): the sessions, or one session. */
import type { RestClient } from "@maestro/protocol";
import { useEffect, useMemo, useState } from "react";
import { SignInForm } from "./features/auth/SignInForm.tsx";
import { publicClient, sessionClient } from "./lib/api.ts";
import { useRoute } from "./lib/route.ts";
import { ApprovalsPage } from "./routes/ApprovalsPage.tsx";
import { SearchPage } from "./routes/SearchPage.tsx";
import { SessionPage } from "./routes/SessionPage.tsx";
import { SessionsPage } from "./routes/SessionsPage.tsx";
import { SettingsPage } from "./routes/SettingsPage.tsx";

type AuthState =
  { readonly status: "checking" } | { readonly status: "signed_out" } | { readonly status: "signed_in"; readonly csrf: string };

export function App() {
  const [auth, setAuth] = useState<AuthState>({ status: "checking" });
  const route = useRoute();
  const client = useMemo<RestClient | null>(() => (auth.status === "signed_in" ? sessionClient(auth.csrf) : null), [auth]);

  useEffect(() => {
    publicClient()
      .auth.session()
      .then(
        (session) => setAuth({ status: "signed_in", csrf: session.csrf_token }),
        () => setAuth({ status: "signed_out" }),
      );
  }, []);

  if (auth.status === "checking") return <p className="muted">Loading…</p>;
  if (client === null) {
    return (
      <SignInForm
        signIn={(token) => publicClient().auth.signIn(token)}
        onSignedIn={(session) => setAuth({ status: "signed_in", csrf: session.csrf_token })}
      />
    );
  }
  if (route.page === "session") return <SessionPage key={route.id} client={client} sessionId={route.id} focusMessageId={route.message} />;
  if (route.page === "search") return <SearchPage key={route.params.toString()} client={client} params={route.params} />;
  if (route.page === "approvals") return <ApprovalsPage client={client} />;
  if (route.page === "settings") return <SettingsPage client={client} section={route.section} />;
  return (
    <SessionsPage
      client={client}
      onSignOut={() => {
        void client.auth.signOut().finally(() => setAuth({ status: "signed_out" }));
      }}
    />
  );
}
