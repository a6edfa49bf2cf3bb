/** The disk and stdin, for the commands that read and write files (transfer.ts). */
import { readFile, writeFile } from "node:fs/promises";
import type { TransferIo } from "./transfer.ts";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export const fileIo: TransferIo = {
  read: (path) => (path === "-" ? readStdin() : readFile(path, "utf8")),
  write: (path, text) => writeFile(path, text, "utf8"),
};
