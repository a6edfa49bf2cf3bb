/** `maestro sessions` and `maestro usage`: tables for a terminal (or a pipe). */
import type { RestClient } from "@maestro/protocol";
import type { ExitCode, Output } from "./output.ts";

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return (
    rows
      .map((row) =>
        row
          .map((cell, column) => cell.padEnd(widths[column] ?? 0))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

export async function listSessions(client: RestClient, output: Output): Promise<ExitCode> {
  const list = await client.sessions.list({});
  if (list.data.length === 0) {
    output.err("No sessions yet. Start one with `maestro new`.\n");
    return 0;
  }
  const rows = list.data.map((session) => [
    session.id,
    session.title,
    `${session.provider}/${session.model}`,
    session.activity,
    `$${session.cost_usd.toFixed(4)}`,
  ]);
  output.out(table([["ID", "TITLE", "MODEL", "STATUS", "COST"], ...rows]));
  return 0;
}

export async function showUsage(client: RestClient, output: Output): Promise<ExitCode> {
  const report = await client.usage({ group_by: "provider,model" });
  const rows = report.rows.map((row) => [
    `${row.provider ?? ""}/${row.model ?? ""}`,
    String(row.messages),
    String(row.input_tokens + row.cache_read_tokens),
    String(row.output_tokens),
    `$${row.cost_usd.toFixed(4)}`,
  ]);
  output.out(table([["MODEL", "ANSWERS", "TOKENS IN", "TOKENS OUT", "COST"], ...rows]));
  output.out(`total ${report.from}..${report.to}: $${report.totals.cost_usd.toFixed(4)}\n`);
  return 0;
}
