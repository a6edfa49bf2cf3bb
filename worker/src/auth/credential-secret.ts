/**
 * A session's credential, decrypted for one provider call (DESIGN §6: secrets exist in plain text
 * only in memory, at call time). An OAuth token that expires within 5 minutes is refreshed first.
 * Expected failures — missing, disabled, needing a new login, not decryptable with the current
 * keys, a refresh that failed on an expired token — are AppErrors the user can act on.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import { credentialSecretContext } from "../db/queries/credentials.ts";
import { savedAuthentications } from "../db/schema.ts";
import { AppError } from "../errors.ts";
import type { ProviderCredential } from "../providers/provider.ts";
import { parseJson } from "@maestro/protocol";
import { OAuthSecretSchema } from "../db/queries/oauth-credentials.ts";
import type { KeyRing } from "./key-ring.ts";
import { REFRESH_BEFORE_CALL_MS, type RefreshOutcome } from "./refresh.ts";
import { open } from "./vault.ts";

/** Refreshes one credential if it is about to expire (refresh.ts, bound to its dependencies). */
export type Refresher = (credentialId: string, withinMs: number) => Promise<RefreshOutcome>;

const ApiKeySecretSchema = z.object({ api_key: z.string().min(1) });

export interface ResolvedCredential extends ProviderCredential {
  readonly id: string;
  readonly provider: string;
  /** When an OAuth token expires (ms since the epoch); null for an API key. */
  readonly expiresAt: number | null;
  /** The credential's context window override in tokens (models/catalog.ts contextWindowFor); null or absent: none. */
  readonly contextWindow?: number | null;
}

export type CredentialRow = typeof savedAuthentications.$inferSelect;

async function readRow(db: Database, credentialId: string) {
  const [row] = await db.select().from(savedAuthentications).where(eq(savedAuthentications.id, credentialId));
  if (row === undefined) throw new AppError("CREDENTIAL_NOT_FOUND", "This session's credential no longer exists. Choose another one.");
  return usableRow(row);
}

/** A disabled credential, or one that needs a new login, fails here with what the user can do. */
function usableRow(row: CredentialRow): CredentialRow {
  if (!row.isEnabled) throw new AppError("CREDENTIAL_UNAVAILABLE", `The credential "${row.label}" is disabled.`);
  if (row.needsReauth) throw new AppError("CREDENTIAL_UNAVAILABLE", `The credential "${row.label}" needs a new login.`);
  return row;
}

/**
 * A credential row already read (the session's turn reads it with the session, turn-cache.ts)
 * that can be used as it is: enabled, signed in, and not an OAuth token about to expire (that one
 * goes through resolveCredential, which refreshes it first). Undefined: resolve it instead.
 */
export async function openUsableRow(keyRing: KeyRing, row: CredentialRow, now: number): Promise<ResolvedCredential | undefined> {
  const expiresIn = row.expiresAt === null ? Infinity : row.expiresAt.getTime() - now;
  if (!row.isEnabled || row.needsReauth || (row.authType === "oauth" && expiresIn < REFRESH_BEFORE_CALL_MS)) return undefined;
  return openRow(keyRing, usableRow(row));
}

export async function resolveCredential(
  db: Database,
  keyRing: KeyRing,
  credentialId: string | null,
  options: { refresher?: Refresher; now?: () => number } = {},
): Promise<ResolvedCredential> {
  if (credentialId === null) {
    throw new AppError("CREDENTIAL_NOT_FOUND", "This session has no credential. Choose one for it (PATCH /sessions/:id or /model).");
  }
  const now = options.now ?? Date.now;
  let row = await readRow(db, credentialId);
  const expiresIn = row.expiresAt === null ? Infinity : row.expiresAt.getTime() - now();
  if (row.authType === "oauth" && expiresIn < REFRESH_BEFORE_CALL_MS && options.refresher !== undefined) {
    const outcome = await options.refresher(row.id, REFRESH_BEFORE_CALL_MS);
    if (outcome.status === "needs_login") throw new AppError("CREDENTIAL_UNAVAILABLE", `The credential "${row.label}" needs a new login.`);
    // A failed refresh of a token that still works for a while is not yet the user's problem.
    if (outcome.status === "failed" && expiresIn <= 0) {
      throw new AppError(
        "CREDENTIAL_UNAVAILABLE",
        `The credential "${row.label}" expired and could not be refreshed: ${outcome.failure.message}`,
      );
    }
    row = await readRow(db, credentialId);
  }
  return openRow(keyRing, row);
}

async function openRow(keyRing: KeyRing, row: CredentialRow): Promise<ResolvedCredential> {
  const opened = await open(keyRing, row.secret, credentialSecretContext(row.id));
  const json = opened.ok ? parseJson(opened.value) : undefined;
  const value = json?.ok === true ? json.value : undefined;
  if (row.authType === "oauth") {
    const secret = OAuthSecretSchema.safeParse(value);
    if (secret.success) {
      return {
        id: row.id,
        provider: row.provider,
        apiKey: secret.data.access_token,
        accountId: secret.data.account_id,
        baseUrl: row.baseUrl,
        expiresAt: row.expiresAt?.getTime() ?? null,
        contextWindow: row.contextWindow,
      };
    }
  } else {
    const secret = ApiKeySecretSchema.safeParse(value);
    if (secret.success) {
      return {
        id: row.id,
        provider: row.provider,
        apiKey: secret.data.api_key,
        baseUrl: row.baseUrl,
        expiresAt: null,
        contextWindow: row.contextWindow,
      };
    }
  }
  throw new AppError("CREDENTIAL_UNAVAILABLE", `The credential "${row.label}" cannot be read with the current encryption keys.`, {
    internal: opened.ok ? "secret envelope does not match the credential's type" : `vault: ${opened.error}`,
  });
}

/**
 * A credential's `last_used_at` is kept to the minute: one busy in many sessions is written once a
 * minute (per isolate), not once a turn — an UPDATE every turn was a third of a turn's queries.
 */
const TOUCH_EVERY_MS = 60_000;
const touchedAt = new Map<string, number>();

/** Note the credential was used (best effort: a failure here must not fail the turn). */
export async function touchCredential(db: Database, credentialId: string, now = Date.now()): Promise<void> {
  const last = touchedAt.get(credentialId);
  if (last !== undefined && now - last < TOUCH_EVERY_MS) return;
  touchedAt.set(credentialId, now);
  await db
    .update(savedAuthentications)
    .set({ lastUsedAt: new Date(now) })
    .where(eq(savedAuthentications.id, credentialId));
}
