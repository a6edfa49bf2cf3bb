/**
 * Local-agent tokens: 32 random bytes, shown once at creation; the database keeps only their
 * SHA-256, so a leaked database does not let anyone connect as an agent.
 */
import { bytesToBase64Url } from "./base64.ts";

const PREFIX = "mae_agent_";

export function generateAgentToken(): string {
  return PREFIX + bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function hashAgentToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
