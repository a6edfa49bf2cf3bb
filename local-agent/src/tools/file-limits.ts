/** Limits and checks the file tools share: how much they read, and how binary is told from text. */
import { open } from "node:fs/promises";

export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const SNIFF_BYTES = 8192;

/** A NUL byte in the first 8 KiB: the same test git and grep use. */
export function startsLikeBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, SNIFF_BYTES).includes(0);
}

export async function looksBinary(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return startsLikeBinary(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
