/**
 * The OAuth logins The Maestro can refresh, by provider (DESIGN §8: Codex; Anthropic's and
 * Google's subscription logins are deliberately not built). Each knows how to refresh its token
 * and which account a token belongs to; refresh.ts does the rest the same way for all.
 */
import type { ProviderId } from "@maestro/protocol";
import { type CodexEndpoints, codexAccountId, refreshCodexToken } from "./codex.ts";
import type { TokenResult } from "./token-endpoint.ts";

export interface OAuthEndpoints {
  readonly codexIssuer: string;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly oauthTimeoutMs: number;
}

export interface RefreshableFlow {
  refresh(endpoints: OAuthEndpoints, refreshToken: string): Promise<TokenResult>;
  accountId(idToken: string | null): string | null;
}

const codexEndpoints = (endpoints: OAuthEndpoints): CodexEndpoints => ({
  issuer: endpoints.codexIssuer,
  fetch: endpoints.fetch,
  now: endpoints.now,
  timeoutMs: endpoints.oauthTimeoutMs,
});

export const refreshableFlows: Partial<Record<ProviderId, RefreshableFlow>> = {
  codex: {
    refresh: (endpoints, refreshToken) => refreshCodexToken(codexEndpoints(endpoints), refreshToken),
    accountId: codexAccountId,
  },
};
