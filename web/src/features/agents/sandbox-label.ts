/**
 * How an agent runs commands, in a few words for the agents table, from the sandbox it last
 * registered (GET /agents `sandbox`); the server's longer `summary` goes in the tooltip.
 */
import type { Agent } from "@maestro/protocol";

type Sandboxed = Exclude<NonNullable<Agent["sandbox"]>["commands"], "none">;

const SANDBOX_NAMES = { bwrap: "bubblewrap", "sandbox-exec": "sandbox-exec" } satisfies Record<Sandboxed, string>;

export function sandboxLabel(sandbox: Agent["sandbox"]): string {
  // Only a connected agent has told the Worker; an older agent never says.
  if (sandbox === null) return "not reported";
  if (sandbox.commands === "none") return "commands are not sandboxed";
  return `commands sandboxed: ${SANDBOX_NAMES[sandbox.commands]}, network ${sandbox.network ? "on" : "off"}`;
}
