/**
 * saved_authentications: create (sealing the secret in the vault), list, update, delete. Rows
 * leave this module only through CredentialSchema, which has no field for the secret.
 */
import {
  type CreateCredentialBody,
  type Credential,
  type CredentialId,
  CredentialSchema,
  type UpdateCredentialBody,
} from "@maestro/protocol";
import { desc, eq } from "drizzle-orm";
import type { KeyRing } from "../../auth/key-ring.ts";
import { seal, secretHint } from "../../auth/vault.ts";
import type { Database } from "../client.ts";
import { savedAuthentications } from "../schema.ts";
import { iso, isoOrNull } from "../timestamps.ts";

type CredentialRow = typeof savedAuthentications.$inferSelect;

/** The vault context binds a sealed secret to its own row. */
export const credentialSecretContext = (id: string) => `saved_authentications:${id}`;

export function toCredential(row: CredentialRow): Credential {
  return CredentialSchema.parse({
    id: row.id,
    provider: row.provider,
    auth_type: row.authType,
    label: row.label,
    hint: row.hint,
    base_url: row.baseUrl,
    context_window: row.contextWindow,
    is_enabled: row.isEnabled,
    expires_at: isoOrNull(row.expiresAt),
    needs_reauth: row.needsReauth,
    last_error: row.lastError,
    last_used_at: isoOrNull(row.lastUsedAt),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  });
}

export async function createCredential(db: Database, keyRing: KeyRing, body: CreateCredentialBody): Promise<Credential> {
  const id = crypto.randomUUID();
  const secret = await seal(keyRing, JSON.stringify({ api_key: body.api_key }), credentialSecretContext(id));
  const [row] = await db
    .insert(savedAuthentications)
    .values({
      id,
      provider: body.provider,
      authType: body.auth_type,
      label: body.label,
      secret,
      hint: secretHint(body.api_key),
      baseUrl: body.base_url ?? null,
      contextWindow: body.context_window ?? null,
    })
    .returning();
  if (row === undefined) throw new Error("insert returned no row");
  return toCredential(row);
}

export async function listCredentials(db: Database): Promise<Credential[]> {
  const rows = await db.select().from(savedAuthentications).orderBy(desc(savedAuthentications.createdAt));
  return rows.map(toCredential);
}

export async function credentialExists(db: Database, id: string): Promise<boolean> {
  const rows = await db.select({ id: savedAuthentications.id }).from(savedAuthentications).where(eq(savedAuthentications.id, id));
  return rows.length > 0;
}

export async function updateCredential(db: Database, id: CredentialId, body: UpdateCredentialBody): Promise<Credential | undefined> {
  const [row] = await db
    .update(savedAuthentications)
    .set({
      ...(body.label !== undefined && { label: body.label }),
      ...(body.is_enabled !== undefined && { isEnabled: body.is_enabled }),
      ...(body.base_url !== undefined && { baseUrl: body.base_url }),
      ...(body.context_window !== undefined && { contextWindow: body.context_window }),
      updatedAt: new Date(),
    })
    .where(eq(savedAuthentications.id, id))
    .returning();
  return row === undefined ? undefined : toCredential(row);
}

export async function deleteCredential(db: Database, id: CredentialId): Promise<boolean> {
  const rows = await db.delete(savedAuthentications).where(eq(savedAuthentications.id, id)).returning({ id: savedAuthentications.id });
  return rows.length > 0;
}
