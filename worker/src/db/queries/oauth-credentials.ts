/**
 * OAuth credentials in saved_authentications: created from a finished login, their tokens
 * replaced after a refresh (a rotated refresh token is kept, an absent one is not lost), a failed
 * refresh recorded on the row, and the rows the Cron Trigger must refresh. Tokens are sealed in
 * the vault like API keys; only the account's last characters serve as the hint.
 */
import { type Credential, type ProviderId, parseJson } from "@maestro/protocol";
import { and, asc, eq, lt } from "drizzle-orm";
import { z } from "zod";
import type { KeyRing } from "../../auth/key-ring.ts";
import { open, seal, secretHint } from "../../auth/vault.ts";
import type { Database } from "../client.ts";
import { savedAuthentications } from "../schema.ts";
import { credentialSecretContext, toCredential } from "./credentials.ts";

export const OAuthSecretSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).nullable(),
  id_token: z.string().min(1).nullable(),
  account_id: z.string().min(1).nullable(),
});
export type OAuthSecret = z.infer<typeof OAuthSecretSchema>;

type CredentialRow = typeof savedAuthentications.$inferSelect;

export async function createOAuthCredential(
  db: Database,
  keyRing: KeyRing,
  input: { provider: ProviderId; label: string; secret: OAuthSecret; expiresAt: Date | null },
): Promise<Credential> {
  const id = crypto.randomUUID();
  const [row] = await db
    .insert(savedAuthentications)
    .values({
      id,
      provider: input.provider,
      authType: "oauth",
      label: input.label,
      secret: await seal(keyRing, JSON.stringify(input.secret), credentialSecretContext(id)),
      hint: secretHint(input.secret.account_id ?? input.secret.access_token),
      expiresAt: input.expiresAt,
    })
    .returning();
  if (row === undefined) throw new Error("insert returned no row");
  return toCredential(row);
}

export async function readOAuthRow(db: Database, id: string): Promise<CredentialRow | undefined> {
  const [row] = await db.select().from(savedAuthentications).where(eq(savedAuthentications.id, id));
  return row?.authType === "oauth" ? row : undefined;
}

/** The row's tokens, or undefined when the current keys cannot open them. */
export async function openOAuthSecret(keyRing: KeyRing, row: CredentialRow): Promise<OAuthSecret | undefined> {
  const opened = await open(keyRing, row.secret, credentialSecretContext(row.id));
  const json = opened.ok ? parseJson(opened.value) : undefined;
  const secret = json?.ok === true ? OAuthSecretSchema.safeParse(json.value) : undefined;
  return secret?.success === true ? secret.data : undefined;
}

/** A new login for an existing credential: its tokens replaced, its error cleared, nothing else touched. */
export async function replaceOAuthLogin(
  db: Database,
  keyRing: KeyRing,
  id: string,
  input: { provider: ProviderId; secret: OAuthSecret; expiresAt: Date | null },
): Promise<Credential | undefined> {
  const row = await readOAuthRow(db, id);
  if (row?.provider !== input.provider) return undefined;
  await storeRefreshedTokens(db, keyRing, id, input.secret, input.expiresAt);
  const [updated] = await db
    .update(savedAuthentications)
    .set({ hint: secretHint(input.secret.account_id ?? input.secret.access_token) })
    .where(eq(savedAuthentications.id, id))
    .returning();
  return updated === undefined ? undefined : toCredential(updated);
}

/** New tokens after a refresh; the login is healthy again. */
export async function storeRefreshedTokens(
  db: Database,
  keyRing: KeyRing,
  id: string,
  secret: OAuthSecret,
  expiresAt: Date | null,
): Promise<void> {
  await db
    .update(savedAuthentications)
    .set({
      secret: await seal(keyRing, JSON.stringify(secret), credentialSecretContext(id)),
      expiresAt,
      needsReauth: false,
      lastError: null,
      updatedAt: new Date(),
    })
    .where(eq(savedAuthentications.id, id));
}

export async function recordRefreshFailure(
  db: Database,
  id: string,
  message: string,
  needsReauth: boolean,
): Promise<Credential | undefined> {
  const [row] = await db
    .update(savedAuthentications)
    .set({ lastError: message, ...(needsReauth && { needsReauth: true }), updatedAt: new Date() })
    .where(eq(savedAuthentications.id, id))
    .returning();
  return row === undefined ? undefined : toCredential(row);
}

/** Enabled OAuth credentials that expire before `before` and can still be refreshed, soonest first. */
export async function oauthCredentialsExpiringBefore(db: Database, before: Date): Promise<string[]> {
  const rows = await db
    .select({ id: savedAuthentications.id })
    .from(savedAuthentications)
    .where(
      and(
        eq(savedAuthentications.authType, "oauth"),
        eq(savedAuthentications.isEnabled, true),
        eq(savedAuthentications.needsReauth, false),
        lt(savedAuthentications.expiresAt, before),
      ),
    )
    .orderBy(asc(savedAuthentications.expiresAt));
  return rows.map((row) => row.id);
}
