/**
 * A session's credential, decrypted for one provider call (DESIGN §6: secrets exist in plain text
 * only in memory, at call time). Expected failures — missing, disabled, needing a new login, not
 * decryptable with the current keys — are AppErrors with a message the user can act on.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import { credentialSecretContext } from "../db/queries/credentials.ts";
import { savedAuthentications } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import type { ProviderCredential } from "../providers/provider.ts";
import { parseJson } from "@maestro/protocol";
import type { KeyRing } from "./key-ring.ts";
import { open } from "./vault.ts";

const ApiKeySecretSchema = z.object({ api_key: z.string().min(1) });

export interface ResolvedCredential extends ProviderCredential {
  readonly id: string;
  readonly provider: string;
}

export async function resolveCredential(db: Database, keyRing: KeyRing, credentialId: string | null): Promise<ResolvedCredential> {
  if (credentialId === null) {
    throw new AppError("CREDENTIAL_NOT_FOUND", "This session has no credential. Choose one for it (PATCH /sessions/:id or /model).");
  }
  const [row] = await db.select().from(savedAuthentications).where(eq(savedAuthentications.id, credentialId));
  if (row === undefined) throw new AppError("CREDENTIAL_NOT_FOUND", "This session's credential no longer exists. Choose another one.");
  if (!row.isEnabled) throw new AppError("CREDENTIAL_UNAVAILABLE", `The credential "${row.label}" is disabled.`);
  if (row.needsReauth) throw new AppError("CREDENTIAL_UNAVAILABLE", `The credential "${row.label}" needs a new login.`);
  const opened = await open(keyRing, row.secret, credentialSecretContext(row.id));
  const json = opened.ok ? parseJson(opened.value) : undefined;
  const secret = json?.ok === true ? ApiKeySecretSchema.safeParse(json.value) : undefined;
  if (secret?.success !== true) {
    throw new AppError("CREDENTIAL_UNAVAILABLE", `The credential "${row.label}" cannot be read with the current encryption keys.`, {
      internal: opened.ok ? "secret envelope holds no api_key" : `vault: ${opened.error}`,
    });
  }
  return { id: row.id, provider: row.provider, apiKey: secret.data.api_key, baseUrl: row.baseUrl };
}

/** Note the credential was used (best effort: a failure here must not fail the turn). */
export async function touchCredential(db: Database, credentialId: string): Promise<void> {
  await db.update(savedAuthentications).set({ lastUsedAt: new Date() }).where(eq(savedAuthentications.id, credentialId));
}
