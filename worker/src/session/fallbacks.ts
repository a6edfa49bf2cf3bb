/**
 * Checking a session's (or template's) fallback list before it is stored: every credential it
 * names must exist and be for that fallback's provider, and a fallback without one borrows the
 * session's credential, which must then be of its provider. Bad entries are refused with a 400
 * naming each field (`fallbacks.1.credential_id`), and nothing changes.
 */
import type { Fallback, FieldIssue, ProviderId } from "@maestro/protocol";
import { inArray } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { savedAuthentications } from "../db/schema.ts";
import { AppError } from "../errors.ts";

/** The provider of each credential id that exists. */
async function providersOf(db: Database, ids: readonly string[]): Promise<Map<string, ProviderId>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: savedAuthentications.id, provider: savedAuthentications.provider })
    .from(savedAuthentications)
    .where(inArray(savedAuthentications.id, [...ids]));
  return new Map(rows.map((row) => [row.id, row.provider]));
}

/**
 * `sessionCredentialId`: what a fallback without its own credential would use (null: none).
 * Throws INVALID_REQUEST listing every bad entry.
 */
export async function checkFallbacks(db: Database, fallbacks: readonly Fallback[], sessionCredentialId: string | null): Promise<void> {
  if (fallbacks.length === 0) return;
  const named = fallbacks.flatMap((fallback) => (fallback.credential_id === undefined ? [] : [fallback.credential_id]));
  const ids = [...new Set(sessionCredentialId === null ? named : [...named, sessionCredentialId])];
  const providers = await providersOf(db, ids);
  const issues: FieldIssue[] = [];
  fallbacks.forEach((fallback, index) => {
    const field = `fallbacks.${index}.credential_id`;
    const credentialId = fallback.credential_id ?? sessionCredentialId;
    if (credentialId === null) {
      issues.push({ field, message: "required: the session has no credential to use for this fallback" });
      return;
    }
    const provider = providers.get(credentialId);
    if (provider === undefined) issues.push({ field, message: "no credential with that id" });
    else if (provider !== fallback.provider)
      issues.push({
        field,
        message:
          fallback.credential_id === undefined
            ? `required: the session's credential is for ${provider}, not ${fallback.provider}`
            : `this credential is for ${provider}, not ${fallback.provider}`,
      });
  });
  if (issues.length > 0)
    throw new AppError("INVALID_REQUEST", `Invalid fallbacks: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join("; ")}`, {
      fields: issues,
    });
}
