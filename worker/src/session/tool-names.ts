/**
 * `enabled_tools` must name tools the registry has (GET /tools): a misspelt name would silently
 * offer the model nothing, so it is refused with the field of each unknown name
 * (`enabled_tools.2`). MCP tools are chosen by server in `enabled_mcp`, not here.
 */
import type { Database } from "../db/client.ts";
import { registryToolNames } from "../db/queries/tools.ts";
import { AppError } from "../errors.ts";

export async function checkToolNames(db: Database, enabledTools: readonly string[] | null | undefined): Promise<void> {
  if (enabledTools == null || enabledTools.length === 0) return;
  const known = await registryToolNames(db);
  const unknown = enabledTools.flatMap((name, index) => (known.has(name) ? [] : [{ name, index }]));
  if (unknown.length === 0) return;
  throw new AppError("INVALID_REQUEST", `No tool named ${unknown.map(({ name }) => `"${name}"`).join(", ")} (GET /tools lists them).`, {
    fields: unknown.map(({ name, index }) => ({ field: `enabled_tools.${index}`, message: `no tool named "${name}"` })),
  });
}
