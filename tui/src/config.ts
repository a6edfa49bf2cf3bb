/**
 * The TUI's saved login: `~/.config/maestro/config.json` (or $XDG_CONFIG_HOME), zod-validated,
 * written with mode 0600 because it holds the API token. `maestro login` writes it; every other
 * command reads it.
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { HttpUrlSchema, parseJson } from "@maestro/protocol";
import { z } from "zod";

export const TuiConfigSchema = z.strictObject({
  url: HttpUrlSchema,
  token: z.string().min(1),
});
export type TuiConfig = z.infer<typeof TuiConfigSchema>;

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== "" ? env.XDG_CONFIG_HOME : join(homedir(), ".config");
  return join(base, "maestro", "config.json");
}

export type LoadResult = { readonly ok: true; readonly config: TuiConfig } | { readonly ok: false; readonly reason: string };

export async function loadConfig(path: string = configPath()): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return { ok: false, reason: `not logged in (no ${path}); run \`maestro login <url>\`` };
  }
  const parsed = parseJson(text);
  const config = parsed.ok ? TuiConfigSchema.safeParse(parsed.value) : undefined;
  if (config?.success !== true) {
    const fields = config?.error.issues.map((issue) => issue.path.join(".")).join(", ");
    return { ok: false, reason: `${path} is not a valid config${fields ? ` (check: ${fields})` : ""}; run \`maestro login <url>\` again` };
  }
  return { ok: true, config: config.data };
}

export async function saveConfig(config: TuiConfig, path: string = configPath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(TuiConfigSchema.parse(config), null, 2)}\n`, { mode: 0o600 });
  // writeFile keeps the mode of an existing file; make sure an old, looser file is tightened.
  await chmod(path, 0o600);
}
