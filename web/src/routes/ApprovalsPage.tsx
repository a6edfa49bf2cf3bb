/** The approval inbox: every question waiting across all sessions, and the rules that answer before asking. */
import type { RestClient } from "@maestro/protocol";
import { useState } from "react";
import { PendingApprovals } from "../features/approvals/PendingApprovals.tsx";
import { RulesPanel } from "../features/approvals/RulesPanel.tsx";
import { useApprovals } from "../features/approvals/use-approvals.ts";
import { ErrorText } from "../components/ErrorText.tsx";

export function ApprovalsPage({ client }: { readonly client: RestClient }) {
  const [state, reload] = useApprovals(client);
  // An "always allow" answer leaves a rule behind: the rules section loads again to show it.
  const [answers, setAnswers] = useState(0);
  return (
    <main>
      <header className="bar">
        <a href="#/" className="back" aria-label="All sessions">
          ←
        </a>
        <h1>Approvals</h1>
      </header>
      <section aria-label="Waiting for you">
        <h2>Waiting for you</h2>
        {state.status === "loading" && <p className="muted">Loading…</p>}
        <ErrorText message={state.status === "error" ? state.message : null} />
        {state.status === "ready" && (
          <PendingApprovals
            client={client}
            pending={state.pending}
            onAnswered={() => {
              reload();
              setAnswers((count) => count + 1);
            }}
          />
        )}
      </section>
      <RulesPanel key={answers} client={client} />
    </main>
  );
}
