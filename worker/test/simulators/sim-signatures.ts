/**
 * Thinking signatures the simulator makes up: like a provider's, each one vouches for the text it
 * was given with, to the key it was given to, and can be checked later — also by a simulator
 * started afresh (after `npm run dev` restarts, say), since nothing is remembered:
 * `sim-sig-<salt>-<hash of salt, key and text>`. A
 * real provider's signature is cryptographic; a simulator's only has to catch edited or dropped
 * thinking, so a small non-cryptographic hash (FNV-1a) is enough.
 */

/** Signatures the simulator makes up itself start with this; foreign ones are not judged. */
export const SIMULATOR_SIGNATURE_PREFIX = "sim-";

/** What a script gets when it names no signature: the simulator makes one for the step's text. */
export const MADE_UP_SIGNATURE = "sim-signature";

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

export function newSignature(text: string, key: string): string {
  const salt = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  return `${SIMULATOR_SIGNATURE_PREFIX}sig-${salt}-${fnv1a(`${salt}:${key}:${text}`)}`;
}

/** Whether `signature` is one the simulator made for exactly `text`, given to `key`. */
export function signs(signature: string, text: string, key: string): boolean {
  const match = /^sim-sig-([0-9a-f]{12})-([0-9a-f]{8})$/.exec(signature);
  return match !== null && fnv1a(`${match[1]}:${key}:${text}`) === match[2];
}
