/**
 * Web sessions (DESIGN §4): after the API token is shown once, the browser holds an HttpOnly,
 * Secure, SameSite=Strict cookie instead. The cookie is `v1.<id>.<expiry>.<mac>`, signed with a
 * key derived from the API token (rotating the token signs every browser out); the id must also
 * be live in Redis, so signing out ends it at once. The CSRF token is derived from the id, so it
 * needs no storage, and only a page that read it from our own answer can send it.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { bytesToBase64Url } from "./base64.ts";

export const SESSION_COOKIE = "maestro_session";
export const WEB_SESSION_TTL_SECONDS = 7 * 24 * 60 * 60;

const encoder = new TextEncoder();
const keyOf = (id: string) => `web-session:${id}`;

async function signingKey(apiToken: string): Promise<CryptoKey> {
  const material = await crypto.subtle.digest("SHA-256", encoder.encode(`maestro web session v1\n${apiToken}`));
  return crypto.subtle.importKey("raw", material, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

async function mac(key: CryptoKey, text: string): Promise<string> {
  return bytesToBase64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text))));
}

async function same(a: string, b: string): Promise<boolean> {
  const [left, right] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(left, right);
}

export interface WebSession {
  readonly id: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export async function startWebSession(apiToken: string, redis: Redis, now: number): Promise<{ cookie: string; session: WebSession }> {
  const key = await signingKey(apiToken);
  const id = bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const expires = Math.floor(now / 1000) + WEB_SESSION_TTL_SECONDS;
  await redis.set(keyOf(id), 1, { ex: WEB_SESSION_TTL_SECONDS });
  const body = `v1.${id}.${expires}`;
  return {
    cookie: `${body}.${await mac(key, body)}`,
    session: { id, csrfToken: await mac(key, `csrf.${id}`), expiresAt: new Date(expires * 1000) },
  };
}

/** The session a cookie proves, or undefined when it is malformed, forged, expired or ended. */
export async function readWebSession(
  apiToken: string,
  redis: Redis,
  cookie: string | undefined,
  now: number,
): Promise<WebSession | undefined> {
  const [version, id, expiresText, signature, ...rest] = cookie?.split(".") ?? [];
  if (version !== "v1" || id === undefined || expiresText === undefined || signature === undefined || rest.length > 0) return undefined;
  const expires = Number(expiresText);
  if (!Number.isSafeInteger(expires) || expires * 1000 <= now) return undefined;
  const key = await signingKey(apiToken);
  if (!(await same(signature, await mac(key, `v1.${id}.${expiresText}`)))) return undefined;
  if ((await redis.exists(keyOf(id))) !== 1) return undefined;
  return { id, csrfToken: await mac(key, `csrf.${id}`), expiresAt: new Date(expires * 1000) };
}

export async function csrfMatches(session: WebSession, presented: string | undefined): Promise<boolean> {
  return presented !== undefined && (await same(presented, session.csrfToken));
}

export async function endWebSession(redis: Redis, session: WebSession): Promise<void> {
  await redis.del(keyOf(session.id));
}
