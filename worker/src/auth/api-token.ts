/**
 * The API token check (DESIGN §4). Both sides are hashed to fixed-length digests and compared
 * with the runtime's timing-safe comparison, so neither content nor length leaks through timing.
 */

const encoder = new TextEncoder();

async function digest(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", encoder.encode(text));
}

export async function tokensMatch(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(presented), digest(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** The bearer value of an `Authorization` header, or undefined when there is none. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const match = header?.match(/^Bearer[ ]+([^\s]+)\s*$/i);
  return match?.[1];
}
