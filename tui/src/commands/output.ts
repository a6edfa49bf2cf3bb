/** What a command prints: to stdout for results (pipes), stderr for everything about the run; tables; API refusals. */
import { ApiError } from "@maestro/protocol";

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** A command's result: the exit code to leave with. */
export type ExitCode = 0 | 1 | 2;

/** Columns padded to their widest cell, two spaces apart. */
export function table(rows: string[][]): string {
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

/**
 * Runs a command's API calls; a refusal or an unreachable server (ApiError, an expected failure)
 * is one line on stderr and exit 1, not a stack trace. Anything else is a bug and is thrown.
 */
export async function reportingApiErrors(output: Output, what: string, command: () => Promise<ExitCode>): Promise<ExitCode> {
  try {
    return await command();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    output.err(`Could not ${what}: ${error.message}\n`);
    return 1;
  }
}
