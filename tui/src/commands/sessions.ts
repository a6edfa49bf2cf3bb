/** `maestro sessions` (once, or live with --watch) and `maestro usage`: tables for a terminal or a pipe. */
import { type RestClient, type Session, coalesce, describePresence, formatUsd } from "@maestro/protocol";
import { type ExitCode, type Output, reportingApiErrors, table } from "./output.ts";

const NO_SESSIONS = "No sessions yet. Start one with `maestro new`.\n";

function sessionsTable(sessions: readonly Session[]): string {
  const rows = sessions.map((session) => [
    session.id,
    session.title,
    `${session.provider}/${session.model}`,
    session.activity,
    describePresence(session.presence) || "-",
    formatUsd(session.cost_usd),
  ]);
  return table([["ID", "TITLE", "MODEL", "STATUS", "WATCHING", "COST"], ...rows]);
}

export function listSessions(client: RestClient, output: Output): Promise<ExitCode> {
  return reportingApiErrors(output, "list the sessions", async () => {
    const list = await client.sessions.list({});
    return printSessions(list.data, output);
  });
}

function printSessions(sessions: readonly Session[], output: Output): ExitCode {
  if (sessions.length === 0) {
    output.err(NO_SESSIONS);
    return 0;
  }
  output.out(sessionsTable(sessions));
  return 0;
}

/** Opens the session feed; the CLI hands in the real one, tests a fake. */
export type OpenFeed = (handlers: { onChange: () => void; onOpen: () => void }) => { close(): void };

/** Changes that arrive this close together are shown with one reload. */
const COALESCE_MS = 150;
const CLEAR_SCREEN = "\x1b[2J\x1b[H";

/**
 * `maestro sessions --watch`: the table again whenever the session feed says a session changed
 * (and when the feed reconnects). On a terminal it redraws in place; in a pipe each table follows
 * the last. Runs until `stop` settles (Ctrl-C).
 */
export async function watchSessions(
  client: RestClient,
  openFeed: OpenFeed,
  output: Output,
  options: { readonly redraw: boolean; readonly stop: Promise<void> },
): Promise<ExitCode> {
  const show = async () => {
    try {
      const list = await client.sessions.list({});
      const text = list.data.length === 0 ? NO_SESSIONS : sessionsTable(list.data);
      output.out(options.redraw ? `${CLEAR_SCREEN}${text}\nwatching live · Ctrl-C to stop\n` : `${text}\n`);
    } catch (error) {
      output.err(`Could not list sessions: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
  const showSoon = coalesce(() => void show(), COALESCE_MS);
  await show();
  const feed = openFeed({ onChange: showSoon.request, onOpen: showSoon.request });
  await options.stop;
  showSoon.cancel();
  feed.close();
  return 0;
}

export function showUsage(client: RestClient, output: Output): Promise<ExitCode> {
  return reportingApiErrors(output, "read the usage", async () => {
    const report = await client.usage({ group_by: "provider,model" });
    const rows = report.rows.map((row) => [
      `${row.provider ?? ""}/${row.model ?? ""}`,
      String(row.messages),
      String(row.input_tokens + row.cache_read_tokens),
      String(row.output_tokens),
      formatUsd(row.cost_usd),
    ]);
    output.out(table([["MODEL", "ANSWERS", "TOKENS IN", "TOKENS OUT", "COST"], ...rows]));
    output.out(`total ${report.from}..${report.to}: ${formatUsd(report.totals.cost_usd)}\n`);
    return 0;
  });
}
