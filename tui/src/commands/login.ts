/**
 * `maestro login <url>`: asks for the API token without echoing it, checks it against the
 * server, and keeps it in ~/.config/maestro/config.json (mode 0600).
 */
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { ApiError, createRestClient } from "@maestro/protocol";
import { configPath, saveConfig } from "../config.ts";
import type { ExitCode, Output } from "./output.ts";

/** Where the token is read from: stdin, or a stream a test hands in. */
type Input = NodeJS.ReadableStream & { readonly isTTY?: boolean };

/** Reads a line from stdin; on a terminal, what is typed is not shown. Null when stdin ends first. */
export function readSecret(prompt: string, output: Output, input: Input = process.stdin): Promise<string | null> {
  output.err(prompt);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const reader = createInterface({ input, output: muted, terminal: input.isTTY === true });
  return new Promise((resolve) => {
    reader.once("line", (line) => {
      // Resolve before closing: close() emits "close" at once, which would otherwise answer null.
      resolve(line.trim());
      reader.close();
      output.err("\n");
    });
    // Stdin ended (`< /dev/null`, an empty pipe) before a line: without this the promise never
    // settles and Node exits 13 with "unsettled top-level await".
    reader.once("close", () => resolve(null));
  });
}

export async function login(url: string | undefined, output: Output, input?: Input): Promise<ExitCode> {
  if (url === undefined || !/^https?:\/\//.test(url)) {
    output.err("Usage: maestro login <url>   (for example http://127.0.0.1:8787)\n");
    return 2;
  }
  const secret = await readSecret(`API token for ${url}: `, output, input);
  if (secret === null || secret === "") {
    output.err("No token given; nothing was saved.\n");
    return 2;
  }
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
