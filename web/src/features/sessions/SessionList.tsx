/** The sessions table: title, model, who is watching, what it is doing, when, and what it cost. */
import { type Session, describePresence } from "@maestro/protocol";
import { timeAgo, usd } from "../../lib/format.ts";
import { sessionHref } from "../../lib/route.ts";

const ACTIVITY_LABEL: Record<Session["activity"], string> = {
  idle: "idle",
  streaming: "streaming",
  waiting_approval: "waiting for approval",
  waiting_tool: "running a tool",
  compacting: "compacting",
};

export function SessionList({ sessions, filter = "" }: { readonly sessions: readonly Session[]; readonly filter?: string }) {
  if (sessions.length === 0) {
    const text =
      filter.trim().length > 0
        ? `No session title contains “${filter.trim()}”.`
        : "No sessions yet. Start one with New session (or press n), from a terminal with `maestro new`, or over the API.";
    return <p className="empty">{text}</p>;
  }
  return (
    <table className="grid session-list">
      <thead>
        <tr>
          <th>Title</th>
          <th>Model</th>
          <th>Watching</th>
          <th>Status</th>
          <th>Last activity</th>
          <th className="number">Cost</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((session) => (
          <tr key={session.id}>
            <td>
              <a href={sessionHref(session.id)}>{session.title}</a>
            </td>
            <td>
              <span className="muted">{session.provider}</span> {session.model}
            </td>
            <td>{describePresence(session.presence) || "—"}</td>
            <td>
              <span className={`badge ${session.activity}`}>{ACTIVITY_LABEL[session.activity]}</span>
            </td>
            <td title={session.last_activity_at}>{timeAgo(session.last_activity_at)}</td>
            <td className="number">{usd(session.cost_usd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
