/**
 * `maestro`: the terminal client of The Maestro's public API and session socket.
 *   maestro login <url> | auth codex | sessions | approvals | new [...] | attach <id> | send <id> "text" | usage
 * The entry point only: the command line is main.ts, each command is in commands/.
 */
import { processOutput } from "./commands/output.ts";
import { main } from "./main.ts";

// `maestro send … | head`: once the reader has gone, stop quietly, as Unix tools do, instead of
// dying on EPIPE with a stack trace. The turn goes on in the session.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await main(process.argv.slice(2), processOutput);
