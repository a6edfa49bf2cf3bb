/**
 * `maestro`: the terminal client of The Maestro's public API and session socket.
 *   maestro login <url> | auth codex | sessions | new [...] | attach <id> | send <id> "text" | usage
 * The entry point only: the command line is main.ts, each command is in commands/.
 */
import { processOutput } from "./commands/output.ts";
import { main } from "./main.ts";

process.exitCode = await main(process.argv.slice(2), processOutput);
