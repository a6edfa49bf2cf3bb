/**
 * Talking to an OAuth token endpoint (RFC 6749 §4.1.3, §6): a form POST with the reference
 * app's headers, a deadline, and the answer sorted into what callers act on — tokens, a grant
 * the server no longer honours (the user must log in again), a refusal, or a server that is
 * down or slow (try again later). Token values never reach an error message: not ours, and not
 * any the server's error text might echo.
 */
import { z } from "zod";
import { parseJson } from "@maestro/protocol";
import { redactText } from "../../log.ts";

export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  readonly idToken: string | null;
  readonly expiresAt: Date | null;
}

export type TokenFailure =
  /** `invalid_grant`: the refresh token or code is dead; only a new login helps. */
  | { readonly kind: "invalid_grant"; readonly message: string }
  /** Another 4xx: the request itself was refused. */
  | { readonly kind: "rejected"; readonly message: string }
  /** 5xx, a broken connection, a body that is not a token response. */
  | { readonly kind: "unavailable"; readonly message: string }
  | { readonly kind: "timeout"; readonly message: string };

export type TokenResult = { readonly ok: true; readonly tokens: TokenSet } | { readonly ok: false; readonly failure: TokenFailure };

const TokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).nullish(),
  id_token: z.string().min(1).nullish(),
  expires_in: z.coerce.number().nullish(),
});

const ErrorResponseSchema = z.looseObject({ error: z.string(), error_description: z.string().nullish() });

/** Form fields that are no secret; every other one (a code, its verifier, a refresh token) is. */
const PUBLIC_FIELDS: ReadonlySet<string> = new Set(["grant_type", "client_id", "redirect_uri", "scope"]);
/** How much of the server's own words a credential's last_error keeps. */
const MAX_SAID_CHARS = 200;

/**
 * The server's words, made fit for last_error (which GET /credentials returns and the logs carry):
 * a server may echo what it was sent, or worse, so the secrets we sent and anything shaped like a
 * token are masked, and a long story is cut short.
 */
function serverWords(text: string, sent: readonly string[]): string {
  let words = text;
  for (const secret of sent) if (secret.length > 0) words = words.replaceAll(secret, "[redacted]");
  words = redactText(words);
  return words.length > MAX_SAID_CHARS ? `${words.slice(0, MAX_SAID_CHARS)}…` : words;
}

/** An expires_in of 0, missing or nonsense means "about an hour", as the reference apps assume. */
const DEFAULT_LIFETIME_S = 3600;

/** llxprt's token requests under Bun: these two, then Bun's own User-Agent. */
const TOKEN_HEADERS: [string, string][] = [
  ["Accept", "application/json"],
  ["Content-Type", "application/x-www-form-urlencoded"],
  ["User-Agent", "Bun/1.3.14"],
];

export async function requestTokens(
  url: string,
  fields: readonly (readonly [string, string])[],
  options: { readonly fetch: typeof fetch; readonly timeoutMs: number; readonly now: () => number },
): Promise<TokenResult> {
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(url, {
      method: "POST",
      headers: TOKEN_HEADERS,
      body: new URLSearchParams(fields.map(([name, value]) => [name, value])).toString(),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return timedOut
      ? { ok: false, failure: { kind: "timeout", message: `The sign-in server did not answer within ${options.timeoutMs / 1000} s.` } }
      : { ok: false, failure: { kind: "unavailable", message: "The sign-in server could not be reached." } };
  }
  const json = parseJson(text);
  if (!response.ok) {
    const sent = fields.filter(([name]) => !PUBLIC_FIELDS.has(name)).map(([, value]) => value);
    return { ok: false, failure: failureOf(response.status, json.ok ? json.value : undefined, sent) };
  }
  const tokens = json.ok ? TokenResponseSchema.safeParse(json.value) : undefined;
  if (tokens?.success !== true)
    return { ok: false, failure: { kind: "unavailable", message: "The sign-in server sent no usable tokens." } };
  const lifetime = tokens.data.expires_in != null && tokens.data.expires_in > 0 ? tokens.data.expires_in : DEFAULT_LIFETIME_S;
  return {
    ok: true,
    tokens: {
      accessToken: tokens.data.access_token,
      refreshToken: tokens.data.refresh_token ?? null,
      idToken: tokens.data.id_token ?? null,
      expiresAt: new Date(options.now() + lifetime * 1000),
    },
  };
}

function failureOf(status: number, body: unknown, sent: readonly string[]): TokenFailure {
  const error = ErrorResponseSchema.safeParse(body);
  const said = error.success
    ? `${serverWords(error.data.error, sent)}${error.data.error_description ? `: ${serverWords(error.data.error_description, sent)}` : ""}`
    : `HTTP ${status}`;
  if (error.success && error.data.error === "invalid_grant")
    return { kind: "invalid_grant", message: `The login has expired or was revoked (${said}).` };
  if (status >= 500 || status === 429) return { kind: "unavailable", message: `The sign-in server failed (${said}).` };
  return { kind: "rejected", message: `The sign-in server refused the request (${said}).` };
}
