/**
 * The credential a turn's model calls spend (DESIGN §2: before each provider call a token that
 * expires within 5 minutes is refreshed first). A turn can make up to 25 model calls and wait on
 * approvals for as long as the user takes, so resolving once per turn is not enough: every call
 * asks the lease, which keeps the resolved credential and resolves it again (refreshing first)
 * only once its token is that close to expiring. For an API key, or a fresh token, it is free.
 */
import type { ResolvedCredential } from "../auth/credential-secret.ts";
import { REFRESH_BEFORE_CALL_MS } from "../auth/refresh.ts";
import type { ProviderCredential } from "../providers/provider.ts";

/** What the agent loop calls before each model call. */
export type CredentialForCall = () => Promise<ProviderCredential>;

export function credentialLease(
  first: ResolvedCredential,
  resolve: () => Promise<ResolvedCredential>,
  now: () => number,
): CredentialForCall {
  let held = first;
  return async () => {
    if (held.expiresAt !== null && held.expiresAt - now() < REFRESH_BEFORE_CALL_MS) held = await resolve();
    return held;
  };
}
