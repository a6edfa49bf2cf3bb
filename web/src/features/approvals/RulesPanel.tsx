/**
 * Approval rules: standing answers the server gives before anyone is asked. A deny rule refuses a
 * call outright and wins over any allow; an allow rule skips the question. Create, change the
 * effect, delete.
 */
import { type ApprovalRule, type ApprovalRuleEffect, type ApprovalRuleParam, type RestClient, SessionIdSchema } from "@maestro/protocol";
import { type FormEvent, useState } from "react";
import { useAction } from "../../lib/use-action.ts";
import { useLoad } from "../../lib/use-load.ts";
import { ErrorText } from "../../components/ErrorText.tsx";

function describeMatch(rule: ApprovalRule): string {
  return rule.match === null ? "every call" : `${rule.match.param} matches ${rule.match.pattern}`;
}

function NewRuleForm({ client, onCreated }: { readonly client: RestClient; readonly onCreated: () => void }) {
  const [effect, setEffect] = useState<ApprovalRuleEffect>("allow");
  const [tool, setTool] = useState("");
  const [param, setParam] = useState<ApprovalRuleParam | "">("");
  const [pattern, setPattern] = useState("");
  const [sessionId, setSessionId] = useState("");
  const [note, setNote] = useState("");
  const [error, run] = useAction();

  function submit(event: FormEvent) {
    event.preventDefault();
    run(async () => {
      const scope = sessionId.trim() === "" ? null : SessionIdSchema.safeParse(sessionId.trim());
      if (scope?.success === false) throw new Error(`"${sessionId.trim()}" is not a session id.`);
      await client.approvalRules.create({
        effect,
        tool: tool.trim(),
        match: param === "" ? null : { param, pattern },
        session_id: scope === null ? null : scope.data,
        ...(note.trim() !== "" && { note: note.trim() }),
      });
      setTool("");
      setPattern("");
      setNote("");
      onCreated();
    }, "Could not create the rule.");
  }

  return (
    <form className="card new-session" aria-label="New rule" onSubmit={submit}>
      <label>
        Effect
        <select value={effect} onChange={(event) => setEffect(event.target.value as ApprovalRuleEffect)}>
          <option value="allow">allow</option>
          <option value="deny">deny</option>
        </select>
      </label>
      <label>
        Tool
        <input value={tool} onChange={(event) => setTool(event.target.value)} placeholder="run_shell_command" required />
      </label>
      <label>
        Only where
        <select value={param} onChange={(event) => setParam(event.target.value as ApprovalRuleParam | "")}>
          <option value="">(every call)</option>
          <option value="command">command matches</option>
          <option value="path">path matches</option>
        </select>
      </label>
      {param !== "" && (
        <label>
          Pattern
          <input
            value={pattern}
            onChange={(event) => setPattern(event.target.value)}
            placeholder={param === "command" ? "npm test*" : "deploy/**"}
            required
          />
        </label>
      )}
      <label>
        Session id (empty: everywhere)
        <input value={sessionId} onChange={(event) => setSessionId(event.target.value)} />
      </label>
      <label>
        Note
        <input value={note} onChange={(event) => setNote(event.target.value)} />
      </label>
      <button type="submit">Add rule</button>
      <ErrorText message={error} />
    </form>
  );
}

export function RulesPanel({ client }: { readonly client: RestClient }) {
  const [rules, reload] = useLoad(() => client.approvalRules.list());
  const [error, run] = useAction();
  return (
    <section aria-label="Approval rules">
      <h2>Rules</h2>
      <p className="muted small">
        A deny rule wins over any allow rule, in a session or everywhere. Rules count from each turn's first tool call.
      </p>
      <NewRuleForm client={client} onCreated={reload} />
      <ErrorText message={error ?? (rules.status === "error" ? rules.message : null)} />
      {rules.status === "ready" && rules.value.data.length === 0 && <p className="muted">No rules yet.</p>}
      {rules.status === "ready" && rules.value.data.length > 0 && (
        <table className="grid rules">
          <thead>
            <tr>
              <th>Effect</th>
              <th>Tool</th>
              <th>Where</th>
              <th>Scope</th>
              <th>Note</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rules.value.data.map((rule) => (
              <tr key={rule.id} aria-label={`Rule ${rule.effect} ${rule.tool}`}>
                <td>
                  <select
                    aria-label="Effect"
                    value={rule.effect}
                    onChange={(event) =>
                      run(async () => {
                        await client.approvalRules.update(rule.id, { effect: event.target.value as ApprovalRuleEffect });
                        reload();
                      }, "Could not change the rule.")
                    }
                  >
                    <option value="allow">allow</option>
                    <option value="deny">deny</option>
                  </select>
                </td>
                <td>
                  <code>{rule.tool}</code>
                </td>
                <td>{describeMatch(rule)}</td>
                <td>{rule.session_id === null ? "everywhere" : <a href={`#/sessions/${rule.session_id}`}>this session</a>}</td>
                <td>{rule.note ?? ""}</td>
                <td>
                  <button
                    type="button"
                    className="danger"
                    onClick={() =>
                      run(async () => {
                        await client.approvalRules.delete(rule.id);
                        reload();
                      }, "Could not delete the rule.")
                    }
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
