/**
 * `.dev.vars`: the local secrets wrangler dev reads. The first `npm run dev` writes it with a
 * random API token and encryption key (mode 0600); later runs keep it, so the token and the
 * encrypted credentials in .maestro/ stay valid. Parsed with Node's own dotenv parser.
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { parseEnv } from "node:util";

export interface DevVars {
  readonly apiToken: string;
  readonly created: boolean;
}

export async function ensureDevVars(path: string): Promise<DevVars> {
  const existing = await readFile(path, "utf8").catch(() => undefined);
  if (existing !== undefined) {
    const vars = parseEnv(existing);
    const token = vars.MAESTRO_API_TOKEN;
    if (token === undefined || token === "" || !vars.MAESTRO_ENCRYPTION_KEYS) {
      throw new Error(`${path} lacks MAESTRO_API_TOKEN or MAESTRO_ENCRYPTION_KEYS; add them or delete the file to start fresh`);
    }
    return { apiToken: token, created: false };
  }
  const apiToken = randomBytes(32).toString("base64url");
  const key = randomBytes(32).toString("base64");
  const text = [
    "# Local secrets for `npm run dev` (written on the first run; never commit this file).",
    "# MAESTRO_ENCRYPTION_KEYS: <id>:<base64 32 bytes>, first one encrypts; add a new key first to rotate.",
    `MAESTRO_API_TOKEN=${apiToken}`,
    `MAESTRO_ENCRYPTION_KEYS=k1:${key}`,
    "",
  ].join("\n");
  await writeFile(path, text, { mode: 0o600, flag: "wx" });
  return { apiToken, created: true };
}
