/**
 * The TUI's saved login: `~/.config/maestro/config.json` (or $XDG_CONFIG_HOME), zod-validated,
 * written with mode 0600 because it holds the API token. `maestro login` writes it; every other
 * command reads it.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
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

/**
 * Writes the config through a new file created 0600 in the same directory, renamed over the old
 * one: the token never lands in an existing file, whatever its mode (or its other hard links).
 */
export async function saveConfig(config: TuiConfig, path: string = configPath()): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    // "wx": a fresh file, so the mode applies (writeFile keeps the mode of a file that exists).
    await writeFile(temporary, `${JSON.stringify(TuiConfigSchema.parse(config), null, 2)}\n`, { mode: 0o600, flag: "wx" });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
