/** `maestro attach <id>`: the full-screen session view (components/AttachApp.tsx) until /quit. */
import { type RestClient, SessionSocketClient } from "@maestro/protocol";
import { render } from "ink";
import { createElement } from "react";
import { AttachApp } from "../components/AttachApp.tsx";
import type { TuiConfig } from "../config.ts";
import type { ExitCode } from "./output.ts";

export async function attach(client: RestClient, config: TuiConfig, sessionId: string): Promise<ExitCode> {
  const app = render(
    createElement(AttachApp, {
      client,
      sessionId,
      openSocket: (options) => new SessionSocketClient({ ...options, baseUrl: config.url, token: config.token }),
    }),
    // Ink turns live rendering off whenever CI is set (is-in-ci); a person at a terminal is
    // interactive whatever the environment says, so the terminal decides.
    { interactive: process.stdout.isTTY === true },
  );
  await app.waitUntilExit();
  return 0;
}
