/** PKCE (RFC 7636, S256) and login state: the verifier stays with us, the challenge goes out. */
import { bytesToBase64Url } from "../base64.ts";

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

/** 64 random bytes, base64url: the length Codex's own CLI and llxprt use (86 characters). */
export async function createPkce(): Promise<Pkce> {
  const verifier = bytesToBase64Url(crypto.getRandomValues(new Uint8Array(64)));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return { verifier, challenge: bytesToBase64Url(new Uint8Array(digest)) };
}

export function createState(): string {
  return crypto.randomUUID();
}
