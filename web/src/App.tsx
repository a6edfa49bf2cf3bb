/** Signed out: the sign-in form. Signed in (a live session cookie): the sessions, or one session. */
import type { RestClient } from "@maestro/protocol";
import { Suspense, lazy, useEffect, useMemo, useState } from "react";
import { SignInForm } from "./features/auth/SignInForm.tsx";
import { publicClient, sessionClient } from "./lib/api.ts";
import { useRoute } from "./lib/route.ts";
import { SessionPage } from "./routes/SessionPage.tsx";
import { SessionsPage } from "./routes/SessionsPage.tsx";

// Loaded when first opened: the settings (charts among them) and search are not on the way to a
// session, and the one bundle was over 1 MB.
const SettingsPage = lazy(() => import("./routes/SettingsPage.tsx").then((module) => ({ default: module.SettingsPage })));
const ApprovalsPage = lazy(() => import("./routes/ApprovalsPage.tsx").then((module) => ({ default: module.ApprovalsPage })));
const SearchPage = lazy(() => import("./routes/SearchPage.tsx").then((module) => ({ default: module.SearchPage })));
const LOADING = <p className="muted">Loading…</p>;

type AuthState =
  { readonly status: "checking" } | { readonly status: "signed_out" } | { readonly status: "signed_in"; readonly csrf: string };

export function App() {
  const [auth, setAuth] = useState<AuthState>({ status: "checking" });
  const route = useRoute();
  const client = useMemo<RestClient | null>(
    () => (auth.status === "signed_in" ? sessionClient(auth.csrf, () => setAuth({ status: "signed_out" })) : null),
    [auth],
  );

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
  if (route.page === "search") {
    return (
      <Suspense fallback={LOADING}>
        <SearchPage key={route.params.toString()} client={client} params={route.params} />
      </Suspense>
    );
  }
  if (route.page === "approvals") {
    return (
      <Suspense fallback={LOADING}>
        <ApprovalsPage client={client} />
      </Suspense>
    );
  }
  if (route.page === "settings") {
    return (
      <Suspense fallback={LOADING}>
        <SettingsPage client={client} section={route.section} />
      </Suspense>
    );
  }
  return (
    <SessionsPage
      client={client}
      onSignOut={() => {
        void client.auth.signOut().finally(() => setAuth({ status: "signed_out" }));
      }}
    />
  );
}
