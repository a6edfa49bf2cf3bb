/**
 * Signing in to Codex from a hosted app: start (PKCE, state, the authorize URL), finish with
 * the code the user pastes back or the TUI's loopback hands over (the state must match), or the
 * device-code flow; the tokens become an encrypted `codex` credential with its expiry.
 */
import type { Credential, DeviceLoginStarted, FinishOAuthBody, OAuthStarted } from "@maestro/protocol";
import type { Redis } from "@upstash/redis/cloudflare";
import type { Database } from "../../db/client.ts";
import { createOAuthCredential, readOAuthRow, replaceOAuthLogin } from "../../db/queries/oauth-credentials.ts";
import { AppError } from "../../errors.ts";
import {
  PENDING_LOGIN_TTL_SECONDS,
  dropPendingLogin,
  readPendingLogin,
  savePendingLogin,
  takePendingLogin,
} from "../../kv/pending-logins.ts";
import type { KeyRing } from "../key-ring.ts";
import {
  CODEX_DEVICE_PAGE,
  CODEX_REDIRECT_URI,
  type CodexEndpoints,
  codexAccountId,
  codexAuthorizeUrl,
  exchangeCodexCode,
  pollCodexDevice,
  startCodexDevice,
} from "./codex.ts";
import { codeFrom } from "./pasted-code.ts";
import { createPkce, createState } from "./pkce.ts";
import type { TokenResult } from "./token-endpoint.ts";

export interface LoginDeps extends CodexEndpoints {
  readonly db: Database;
  readonly redis: Redis;
  readonly keyRing: KeyRing;
}

const DEFAULT_LABEL = "ChatGPT subscription (Codex, unofficial)";

/** Codex's client is registered for a loopback callback on localhost only. */
function checkRedirect(redirectUri: string | undefined): string {
  if (redirectUri === undefined) return CODEX_REDIRECT_URI;
  const url = new URL(redirectUri);
  if (url.protocol !== "http:" || url.hostname !== "localhost" || url.pathname !== "/auth/callback") {
    throw new AppError("INVALID_REQUEST", "Codex only redirects to http://localhost:<port>/auth/callback.", {
      fields: [{ field: "redirect_uri", message: "must be http://localhost:<port>/auth/callback" }],
    });
  }
  return redirectUri;
}

const expiry = (deps: LoginDeps) => new Date(deps.now() + PENDING_LOGIN_TTL_SECONDS * 1000).toISOString();

/** A credential to sign in again for must exist and be a Codex login. */
async function checkRelogin(deps: LoginDeps, credentialId: string | undefined): Promise<void> {
  if (credentialId === undefined) return;
  const row = await readOAuthRow(deps.db, credentialId);
  if (row?.provider !== "codex") {
    throw new AppError("CREDENTIAL_NOT_FOUND", "No Codex login with that id to sign in again for.", {
      fields: [{ field: "credential_id", message: "not a Codex OAuth credential" }],
    });
  }
}

export async function startCodexLogin(
  deps: LoginDeps,
  body: { label?: string; redirect_uri?: string; credential_id?: string },
): Promise<OAuthStarted> {
  await checkRelogin(deps, body.credential_id);
  const redirectUri = checkRedirect(body.redirect_uri);
  const pkce = await createPkce();
  const state = createState();
  await savePendingLogin(deps.redis, state, {
    kind: "authorization_code",
    flow: "codex",
    verifier: pkce.verifier,
    redirect_uri: redirectUri,
    label: body.label ?? DEFAULT_LABEL,
    ...(body.credential_id !== undefined && { credential_id: body.credential_id }),
  });
  return {
    authorize_url: codexAuthorizeUrl(deps.issuer, { redirectUri, challenge: pkce.challenge, state }),
    state,
    redirect_uri: redirectUri,
    expires_at: expiry(deps),
    unofficial: true,
  };
}

/** A finished login: the credential, and whether it is new (or an existing one signed in again). */
export interface StoredLogin {
  readonly credential: Credential;
  readonly created: boolean;
}

export async function finishCodexLogin(deps: LoginDeps, body: FinishOAuthBody): Promise<StoredLogin> {
  const code = codeFrom(body);
  const login = await takePendingLogin(deps.redis, body.state);
  if (login?.kind !== "authorization_code" || login.flow !== "codex") {
    throw new AppError(
      "OAUTH_STATE_INVALID",
      "No Codex login is waiting with that state (it expired, or was already finished). Start again.",
      {
        fields: [{ field: "state", message: "unknown or expired" }],
      },
    );
  }
  const result = await exchangeCodexCode(deps, { code, redirectUri: login.redirect_uri, verifier: login.verifier });
  return storeLogin(deps, result, login);
}

export async function startCodexDeviceLogin(
  deps: LoginDeps,
  body: { label?: string; credential_id?: string },
): Promise<DeviceLoginStarted> {
  await checkRelogin(deps, body.credential_id);
  const started = await startCodexDevice(deps);
  if (!started.ok) throw new AppError("OAUTH_FAILED", started.message);
  const state = createState();
  await savePendingLogin(deps.redis, state, {
    kind: "device",
    flow: "codex",
    device_auth_id: started.deviceAuthId,
    user_code: started.userCode,
    label: body.label ?? DEFAULT_LABEL,
    ...(body.credential_id !== undefined && { credential_id: body.credential_id }),
  });
  return {
    state,
    user_code: started.userCode,
    verification_uri: CODEX_DEVICE_PAGE,
    interval_seconds: started.intervalSeconds,
    expires_at: expiry(deps),
    unofficial: true,
  };
}

/** One poll of a device login: undefined while the user has not approved it yet. */
export async function pollCodexDeviceLogin(deps: LoginDeps, state: string): Promise<StoredLogin | undefined> {
  const login = await readPendingLogin(deps.redis, state);
  if (login?.kind !== "device") {
    throw new AppError("OAUTH_STATE_INVALID", "No device login is waiting with that state (it expired, or was already finished).", {
      fields: [{ field: "state", message: "unknown or expired" }],
    });
  }
  const poll = await pollCodexDevice(deps, { deviceAuthId: login.device_auth_id, userCode: login.user_code });
  if (poll.status === "pending") return undefined;
  await dropPendingLogin(deps.redis, state);
  if (poll.status === "failed") throw new AppError("OAUTH_FAILED", poll.message);
  return storeLogin(deps, poll.result, login);
}

async function storeLogin(
  deps: LoginDeps,
  result: TokenResult,
  login: { label: string; credential_id?: string | undefined },
): Promise<StoredLogin> {
  if (!result.ok) throw new AppError("OAUTH_FAILED", result.failure.message);
  const { tokens } = result;
  const accountId = codexAccountId(tokens.idToken);
  if (accountId === null)
    throw new AppError("OAUTH_FAILED", "The sign-in server did not say which ChatGPT account this is (no account id).");
  const secret = { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, id_token: tokens.idToken, account_id: accountId };
  if (login.credential_id !== undefined) {
    const replaced = await replaceOAuthLogin(deps.db, deps.keyRing, login.credential_id, {
      provider: "codex",
      secret,
      expiresAt: tokens.expiresAt,
    });
    if (replaced === undefined) throw new AppError("CREDENTIAL_NOT_FOUND", "The credential to sign in again for no longer exists.");
    return { credential: replaced, created: false };
  }
  const created = await createOAuthCredential(deps.db, deps.keyRing, {
    provider: "codex",
    label: login.label,
    secret,
    expiresAt: tokens.expiresAt,
  });
  return { credential: created, created: true };
}
