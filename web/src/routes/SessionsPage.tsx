/** The home screen once signed in: every session, filterable by title. */
import type { RestClient } from "@maestro/protocol";
import { useEffect, useState } from "react";
import { NewSessionForm } from "../features/sessions/NewSessionForm.tsx";
import { ImportButton } from "../features/sessions/SessionTransfer.tsx";
import { SessionList } from "../features/sessions/SessionList.tsx";
import { sessionHref } from "../lib/route.ts";
import { useSessions } from "../features/sessions/use-sessions.ts";
import { ErrorText } from "../components/ErrorText.tsx";
import { ApprovalsLink } from "../features/approvals/ApprovalsLink.tsx";

export function SessionsPage({ client, onSignOut }: { readonly client: RestClient; readonly onSignOut: () => void }) {
  const [query, setQuery] = useState("");
  const [creating, setCreating] = useState(false);

  // Keyboard: `n` opens the new-session form (unless you are typing somewhere).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target;
      if (target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if (event.key === "n" && !event.metaKey && !event.ctrlKey) setCreating(true);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const state = useSessions(client, query);
  return (
    <main>
      <header className="bar">
        <h1>Sessions</h1>
        <input
          type="search"
          aria-label="Filter by title"
          placeholder="Filter by title"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <a href="#/search">Search</a>
        <ApprovalsLink client={client} />
        <a href="#/settings/credentials">Settings</a>
        <button type="button" onClick={() => setCreating((open) => !open)} aria-expanded={creating}>
          New session
        </button>
        <ImportButton client={client} onImported={(session) => (window.location.hash = sessionHref(session.id))} />
        <button type="button" className="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {creating && <NewSessionForm client={client} onCreated={(session) => (window.location.hash = sessionHref(session.id))} />}
      {state.status === "loading" && <p className="muted">Loading…</p>}
      <ErrorText message={state.status === "error" ? state.message : null} />
      {state.status === "ready" && <SessionList sessions={state.sessions} filter={query} />}
    </main>
  );
}
