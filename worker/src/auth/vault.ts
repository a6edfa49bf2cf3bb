/**
 * The credential vault: AES-256-GCM envelopes that name the key that sealed them, so keys can
 * rotate. Each envelope is bound (as additional data) to the row it belongs to, so a ciphertext
 * copied onto another row does not open. Secrets exist in plain text only in memory, at call time.
 */
import { err, ok, type Result } from "@maestro/protocol";
import { base64UrlToBytes, bytesToBase64Url } from "./base64.ts";
import type { EncryptionKey, KeyRing } from "./key-ring.ts";

/** Envelope: `mae1.<key id>.<iv>.<ciphertext+tag>`, base64url parts. */
const FORMAT = "mae1";
const IV_BYTES = 12;

export type VaultErrorCode = "MALFORMED_ENVELOPE" | "UNKNOWN_KEY" | "DECRYPT_FAILED";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function importKey(key: EncryptionKey): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", key.bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
}

function additionalData(keyId: string, context: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(encoder.encode(`${FORMAT}|${keyId}|${context}`));
}

/** Seal `plaintext` with the active key; `context` names its owner (e.g. `saved_authentications:<id>`). */
export async function seal(keyRing: KeyRing, plaintext: string, context: string): Promise<string> {
  const key = keyRing.active;
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: additionalData(key.id, context) },
    await importKey(key),
    encoder.encode(plaintext),
  );
  return [FORMAT, key.id, bytesToBase64Url(iv), bytesToBase64Url(new Uint8Array(ciphertext))].join(".");
}

export async function open(keyRing: KeyRing, envelope: string, context: string): Promise<Result<string, VaultErrorCode>> {
  const [format, keyId, ivText, ciphertextText, ...rest] = envelope.split(".");
  if (format !== FORMAT || keyId === undefined || ivText === undefined || ciphertextText === undefined || rest.length > 0) {
    return err("MALFORMED_ENVELOPE");
  }
  const key = keyRing.byId.get(keyId);
  if (key === undefined) return err("UNKNOWN_KEY");
  const iv = base64UrlToBytes(ivText);
  const ciphertext = base64UrlToBytes(ciphertextText);
  if (iv?.length !== IV_BYTES || ciphertext === undefined) return err("MALFORMED_ENVELOPE");
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: additionalData(keyId, context) },
      await importKey(key),
      ciphertext,
    );
    return ok(decoder.decode(plaintext));
  } catch {
    // GCM authentication failed: tampered, truncated, or sealed for another row.
    return err("DECRYPT_FAILED");
  }
}

/** The key id an envelope was sealed with (to find rows that still need re-sealing). */
export function envelopeKeyId(envelope: string): string | undefined {
  const [format, keyId] = envelope.split(".");
  return format === FORMAT ? keyId : undefined;
}

/** What the API may show of a secret: its last four characters. */
export function secretHint(secret: string): string {
  return secret.length <= 8 ? "…" : `…${secret.slice(-4)}`;
}
