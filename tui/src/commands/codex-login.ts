/**
 * `maestro auth codex`: sign in with a ChatGPT subscription (Codex) — unofficial, as it is, and
 * said so before anything happens. Three ways back from the sign-in page:
 *   - loopback (default): listen on this machine at the redirect (localhost:1455, the port the
 *     Codex client is registered with) and finish as soon as the browser comes back;
 *   - --paste: print the link and read back the address the browser ended on (or the code), for
 *     a browser on another machine;
 *   - --device: a code to enter on OpenAI's device page, for when no browser can come back here.
 * `--credential <id>` signs in again for a credential that needs a new login.
 */
import { createInterface } from "node:readline";
import { ApiError, type Credential, type CredentialId, type RestClient } from "@maestro/protocol";
import { listenForCallback } from "../auth/loopback.ts";
import type { ExitCode, Output } from "./output.ts";

export interface CodexLoginOptions {
  readonly mode: "loopback" | "paste" | "device";
  readonly label?: string | undefined;
  readonly credentialId?: CredentialId | undefined;
  /** Loopback port (default 1455; OpenAI accepts no other for this client). */
  readonly port?: number | undefined;
  /** Opens the sign-in page in a browser; omitted, the link is only printed. */
  readonly openBrowser?: ((url: string) => void) | undefined;
}

type LoginTarget = { label?: string; credential_id?: CredentialId };

export const UNOFFICIAL_NOTICE =
  "Unofficial: this signs in the way the Codex CLI does, presenting its public client (as llxprt does).\n" +
  "OpenAI does not endorse it and may change or stop it at any time.\n\n";

/** One line from stdin (the pasted address). */
export function readLine(prompt: string, output: Output): Promise<string> {
  output.err(prompt);
  const reader = createInterface({ input: process.stdin, terminal: false });
  return new Promise((resolve) => {
    // Resolve before closing: close() emits "close" at once, which would otherwise answer "".
    reader.once("line", (line) => {
      resolve(line.trim());
      reader.close();
    });
    reader.once("close", () => resolve(""));
  });
}

export async function codexLogin(client: RestClient, options: CodexLoginOptions, output: Output): Promise<ExitCode> {
  output.err(UNOFFICIAL_NOTICE);
  const target: LoginTarget = {
    ...(options.label !== undefined && { label: options.label }),
    ...(options.credentialId !== undefined && { credential_id: options.credentialId }),
  };
  try {
    const credential =
      options.mode === "device" ? await viaDevice(client, target, output) : await viaBrowser(client, target, options, output);
    output.err(
      `Signed in: "${credential.label}" (${credential.id})${credential.expires_at === null ? "" : `, token valid until ${credential.expires_at}`}.\n`,
    );
    output.out(`${credential.id}\n`);
    return 0;
  } catch (error) {
    output.err(`${error instanceof ApiError || error instanceof Error ? error.message : "The sign-in failed."}\n`);
    return 1;
  }
}

async function viaBrowser(client: RestClient, target: LoginTarget, options: CodexLoginOptions, output: Output): Promise<Credential> {
  const redirectUri = `http://localhost:${options.port ?? 1455}/auth/callback`;
  const started = await client.oauth.startCodex({ ...target, redirect_uri: redirectUri });
  if (options.mode === "paste") {
    output.err(`Open this link in any browser and sign in:\n\n  ${started.authorize_url}\n\n`);
    output.err(`The browser then tries to open ${started.redirect_uri}… (it may fail to load; that is expected).\n`);
    const pasted = await readLine("Paste that address (or just the code) here: ", output);
    if (pasted === "") throw new Error("Nothing was pasted; the sign-in was not finished.");
    return client.oauth.finishCodex({ state: started.state, code: pasted });
  }
  const loopback = await listenForCallback(started.redirect_uri, started.state).catch((error: unknown) => {
    const busy = error instanceof Error && "code" in error && error.code === "EADDRINUSE";
    throw new Error(
      busy
        ? `Port ${options.port ?? 1455} is in use (is the Codex CLI signing in?). Try again, or use --paste.`
        : `Could not listen on ${started.redirect_uri}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  try {
    output.err(
      `Open this link in a browser on this machine and sign in:\n\n  ${started.authorize_url}\n\nWaiting for the browser to come back…\n`,
    );
    options.openBrowser?.(started.authorize_url);
    const expires = Date.parse(started.expires_at) - Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("The sign-in page was not completed in time; run the command again.")), expires);
    });
    const callback = await Promise.race([loopback.callback, timeout]).finally(() => clearTimeout(timer));
    return await client.oauth.finishCodex({ state: started.state, code: callback });
  } finally {
    await loopback.close();
  }
}

async function viaDevice(client: RestClient, target: LoginTarget, output: Output): Promise<Credential> {
  const started = await client.oauth.startCodexDevice(target);
  output.err(`Go to ${started.verification_uri} and enter the code:\n\n  ${started.user_code}\n\nWaiting for you to approve it…\n`);
  const deadline = Date.parse(started.expires_at);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, started.interval_seconds * 1000));
    const polled = await client.oauth.pollCodexDevice(started.state);
    if (!("status" in polled)) return polled;
  }
  throw new Error("The code was not approved in time; run the command again.");
}
