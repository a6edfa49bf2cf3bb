/**
 * The loopback end of a browser login: listens on 127.0.0.1 (only) at the redirect's port, waits
 * for the browser to come back to `/auth/callback` with this login's `state`, thanks the user,
 * and hands over the whole URL it arrived on. Anything else gets a 404 and is ignored, so a stray
 * request cannot end the wait.
 */
import { createServer } from "node:http";

export interface Loopback {
  /** Resolves with the callback URL the browser arrived on. */
  readonly callback: Promise<string>;
  close(): Promise<void>;
}

const THANKS = `<!doctype html><meta charset="utf-8"><title>The Maestro</title>
<body style="font-family:system-ui;margin:3rem"><h1>Signed in</h1><p>You can close this tab and go back to the terminal.</p></body>`;

export async function listenForCallback(redirectUri: string, state: string): Promise<Loopback> {
  const redirect = new URL(redirectUri);
  let arrived: (url: string) => void = () => undefined;
  const callback = new Promise<string>((resolve) => (arrived = resolve));
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", redirectUri);
    if (request.method !== "GET" || url.pathname !== redirect.pathname || url.searchParams.get("state") !== state) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(THANKS);
    arrived(url.toString());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(redirect.port), "127.0.0.1", () => resolve());
  });
  return {
    callback,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
