/**
 * `maestro login <url>`: asks for the API token without echoing it, checks it against the
 * server, and keeps it in ~/.config/maestro/config.json (mode 0600).
 */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { ApiError, createRestClient } from "@maestro/protocol";
import { configPath, saveConfig } from "../config.ts";
import type { ExitCode, Output } from "./output.ts";

/** Reads a line from stdin; on a terminal, what is typed is not shown. */
export function readSecret(prompt: string, output: Output): Promise<string> {
  output.err(prompt);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const reader = createInterface({ input: process.stdin, output: muted, terminal: process.stdin.isTTY === true });
  return new Promise((resolve) => {
    reader.once("line", (line) => {
      reader.close();
      output.err("\n");
      resolve(line.trim());
    });
  });
}

export async function login(url: string | undefined, output: Output, token?: string): Promise<ExitCode> {
  if (url === undefined || !/^https?:\/\//.test(url)) {
    output.err("Usage: maestro login <url>   (for example http://127.0.0.1:8787)\n");
    return 2;
  }
  const secret = token ?? (await readSecret(`API token for ${url}: `, output));
  try {
    await createRestClient({ baseUrl: url, token: secret }).sessions.list({ limit: 1 });
  } catch (error) {
    output.err(error instanceof ApiError && error.code === "UNAUTHORIZED" ? "That token is not valid.\n" : `Could not reach ${url}.\n`);
    return 1;
  }
  await saveConfig({ url: url.replace(/\/+$/, ""), token: secret });
  output.err(`Logged in to ${url}; saved to ${configPath()}.\n`);
  return 0;
}
