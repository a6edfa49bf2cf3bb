/**
 * The Codex (ChatGPT subscription) login, as llxprt performs it (fidelity REFERENCE §3c): the
 * authorize URL with its parameters in its order, the code exchange and refresh as captured, the
 * account id from the id_token, and the device-code fallback for when no browser can reach a
 * redirect. Unofficial: this presents the Codex CLI's public client, as llxprt does.
 */
import { z } from "zod";
import { parseJson } from "@maestro/protocol";
import { base64UrlToBytes } from "../base64.ts";
import { type TokenResult, requestTokens } from "./token-endpoint.ts";

export const CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
const SCOPES = "openid profile email offline_access";
const ORIGINATOR = "codex_cli_rs";
/** The redirect Codex's client is registered with: a loopback listener, or a pasted URL. */
export const CODEX_REDIRECT_URI = "http://localhost:1455/auth/callback";
export interface CodexEndpoints {
  readonly issuer: string;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly timeoutMs: number;
}

/** Parameters in llxprt's order, spaces as %20 (not +), exactly as captured. */
export function codexAuthorizeUrl(issuer: string, options: { redirectUri: string; challenge: string; state: string }): string {
  const params = [
    ["response_type", "code"],
    ["client_id", CODEX_CLIENT_ID],
    ["redirect_uri", options.redirectUri],
    ["scope", SCOPES],
    ["code_challenge", options.challenge],
    ["code_challenge_method", "S256"],
    ["id_token_add_organizations", "true"],
    ["codex_cli_simplified_flow", "true"],
    ["state", options.state],
    ["originator", ORIGINATOR],
    ["theme", "dark"],
  ];
  return `${issuer}/oauth/authorize?${params.map(([name, value]) => `${name}=${encodeURIComponent(value ?? "")}`).join("&")}`;
}

export function exchangeCodexCode(
  endpoints: CodexEndpoints,
  options: { code: string; redirectUri: string; verifier: string },
): Promise<TokenResult> {
  return requestTokens(
    `${endpoints.issuer}/oauth/token`,
    [
      ["grant_type", "authorization_code"],
      ["code", options.code],
      ["redirect_uri", options.redirectUri],
      ["client_id", CODEX_CLIENT_ID],
      ["code_verifier", options.verifier],
    ],
    { fetch: endpoints.fetch, timeoutMs: endpoints.timeoutMs, now: endpoints.now },
  );
}

export function refreshCodexToken(endpoints: CodexEndpoints, refreshToken: string): Promise<TokenResult> {
  return requestTokens(
    `${endpoints.issuer}/oauth/token`,
    [
      ["grant_type", "refresh_token"],
      ["refresh_token", refreshToken],
      ["client_id", CODEX_CLIENT_ID],
    ],
    { fetch: endpoints.fetch, timeoutMs: endpoints.timeoutMs, now: endpoints.now },
  );
}

const IdTokenClaimsSchema = z.looseObject({
  "https://api.openai.com/auth": z.looseObject({ chatgpt_account_id: z.string().nullish(), account_id: z.string().nullish() }).nullish(),
  account_id: z.string().nullish(),
});

/**
 * The ChatGPT account a token belongs to, from the id_token's claims (read, not verified: it came
 * straight from the token endpoint over TLS, and only routes our own requests).
 */
export function codexAccountId(idToken: string | null): string | null {
  const payload = idToken?.split(".")[1];
  const bytes = payload === undefined ? undefined : base64UrlToBytes(payload);
  if (bytes === undefined) return null;
  const json = parseJson(new TextDecoder().decode(bytes));
  const claims = json.ok ? IdTokenClaimsSchema.safeParse(json.value) : undefined;
  if (claims?.success !== true) return null;
  const nested = claims.data["https://api.openai.com/auth"];
  const candidates = [nested?.chatgpt_account_id, nested?.account_id, claims.data.account_id];
  return candidates.find((value): value is string => typeof value === "string" && value !== "") ?? null;
}

// ── Device code: for when no browser can reach the redirect ──────────────────────────────────

export const CODEX_DEVICE_PAGE = "https://auth.openai.com/codex/device";
const DEVICE_REDIRECT = (issuer: string) => `${issuer}/deviceauth/callback`;

const UserCodeSchema = z.looseObject({
  device_auth_id: z.string().min(1),
  user_code: z.string().min(1),
  interval: z.coerce.number().int().positive().catch(5).default(5),
});

const DeviceGrantSchema = z.looseObject({ authorization_code: z.string().min(1), code_verifier: z.string().min(1) });

/** The device endpoints take JSON, with Bun's own User-Agent and Accept as llxprt sends them. */
function postDeviceJson(endpoints: CodexEndpoints, path: string, body: unknown): Promise<Response | undefined> {
  return endpoints
    .fetch(`${endpoints.issuer}${path}`, {
      method: "POST",
      headers: [
        ["Content-Type", "application/json"],
        ["User-Agent", "Bun/1.3.14"],
        ["Accept", "*/*"],
      ],
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(endpoints.timeoutMs),
    })
    .catch(() => undefined);
}

export type DeviceStart =
  | { readonly ok: true; readonly deviceAuthId: string; readonly userCode: string; readonly intervalSeconds: number }
  | { readonly ok: false; readonly message: string };

export async function startCodexDevice(endpoints: CodexEndpoints): Promise<DeviceStart> {
  const response = await postDeviceJson(endpoints, "/api/accounts/deviceauth/usercode", { client_id: CODEX_CLIENT_ID });
  if (response === undefined) return { ok: false, message: "The sign-in server could not be reached." };
  if (response.status === 404) return { ok: false, message: "Device-code sign-in is not enabled for this account server." };
  const json = parseJson(await response.text());
  const parsed = response.ok && json.ok ? UserCodeSchema.safeParse(json.value) : undefined;
  if (parsed?.success !== true)
    return { ok: false, message: `The sign-in server refused the device code request (HTTP ${response.status}).` };
  return { ok: true, deviceAuthId: parsed.data.device_auth_id, userCode: parsed.data.user_code, intervalSeconds: parsed.data.interval };
}

export type DevicePoll =
  | { readonly status: "pending" }
  | { readonly status: "done"; readonly result: TokenResult }
  | { readonly status: "failed"; readonly message: string };

/** One poll: still waiting (403/404), or approved — then the code is exchanged for tokens. */
export async function pollCodexDevice(endpoints: CodexEndpoints, options: { deviceAuthId: string; userCode: string }): Promise<DevicePoll> {
  const response = await postDeviceJson(endpoints, "/api/accounts/deviceauth/token", {
    device_auth_id: options.deviceAuthId,
    user_code: options.userCode,
  });
  if (response === undefined) return { status: "failed", message: "The sign-in server could not be reached." };
  if (response.status === 403 || response.status === 404) return { status: "pending" };
  const json = parseJson(await response.text());
  const grant = response.ok && json.ok ? DeviceGrantSchema.safeParse(json.value) : undefined;
  if (grant?.success !== true) return { status: "failed", message: `Device sign-in failed (HTTP ${response.status}).` };
  const result = await exchangeCodexCode(endpoints, {
    code: grant.data.authorization_code,
    redirectUri: DEVICE_REDIRECT(endpoints.issuer),
    verifier: grant.data.code_verifier,
  });
  return { status: "done", result };
}
