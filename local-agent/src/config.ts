/**
 * The local agent's configuration: where the Worker is, the agent token, and the roots it may
 * touch. From flags (`--url`, `--token`, `--root` repeatable) over env (MAESTRO_URL,
 * MAESTRO_AGENT_TOKEN), zod-validated; errors name the setting, never the token.
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { HttpUrlSchema } from "@maestro/protocol";
import { z } from "zod";

export const AgentConfigSchema = z.strictObject({
  url: HttpUrlSchema,
  token: z.string().regex(/^mae_agent_[A-Za-z0-9_-]{16,}$/, "must be an agent token (mae_agent_…) from POST /api/v1/agents"),
  roots: z.array(z.string().min(1)).min(1, "give at least one --root"),
});
export type AgentConfig = z.infer<typeof AgentConfigSchema>;

export type ConfigResult = { readonly ok: true; readonly config: AgentConfig } | { readonly ok: false; readonly errors: string[] };

export function readConfig(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): ConfigResult {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { url: { type: "string" }, token: { type: "string" }, root: { type: "string", multiple: true } },
      strict: true,
    }));
  } catch (error) {
    return { ok: false, errors: [error instanceof Error ? error.message : "invalid arguments"] };
  }
  const parsed = AgentConfigSchema.safeParse({
    url: values.url ?? env.MAESTRO_URL,
    token: values.token ?? env.MAESTRO_AGENT_TOKEN,
    roots: (values.root ?? []).map((root) => resolve(cwd, root)),
  });
  if (parsed.success) return { ok: true, config: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((issue) => `${issue.path.join(".") || "config"}: ${issue.message}`) };
}
