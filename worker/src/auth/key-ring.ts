/**
 * The encryption key ring, from MAESTRO_ENCRYPTION_KEYS: `<id>:<base64 of 32 bytes>` entries,
 * comma-separated. The first entry encrypts; every entry decrypts. To rotate, put a new key
 * first and keep the old ones until no row names them.
 */
import { err, ok, type Result } from "@maestro/protocol";
import { base64ToBytes } from "./base64.ts";

export interface EncryptionKey {
  readonly id: string;
  readonly bytes: Uint8Array<ArrayBuffer>;
}

export interface KeyRing {
  readonly active: EncryptionKey;
  readonly byId: ReadonlyMap<string, EncryptionKey>;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;

/** Errors name the entry's position and id, never key material. */
export function parseKeyRing(text: string): Result<KeyRing, string> {
  const keys: EncryptionKey[] = [];
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  for (const [index, entry] of entries.entries()) {
    const separator = entry.indexOf(":");
    const id = separator > 0 ? entry.slice(0, separator) : "";
    if (!KEY_ID.test(id)) return err(`entry ${index + 1} needs the form <id>:<base64 key>`);
    const bytes = base64ToBytes(entry.slice(separator + 1));
    if (bytes?.length !== KEY_BYTES) return err(`key "${id}" must be ${KEY_BYTES} bytes of base64`);
    if (keys.some((key) => key.id === id)) return err(`key id "${id}" appears twice`);
    keys.push({ id, bytes });
  }
  const [active] = keys;
  if (active === undefined) return err("no keys given");
  return ok({ active, byId: new Map(keys.map((key) => [key.id, key])) });
}
