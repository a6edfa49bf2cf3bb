/**
 * `maestro attach <id>`: the full-screen session view (components/AttachApp.tsx) until /quit.
 * Exits 1 when the session could not be opened at all (its reason stays on screen until /quit).
 */
import { type RestClient, SessionSocketClient } from "@maestro/protocol";
import { render } from "ink";
import { createElement } from "react";
import { AttachApp } from "../components/AttachApp.tsx";
import type { TuiConfig } from "../config.ts";
import type { ExitCode } from "./output.ts";

export async function attach(client: RestClient, config: TuiConfig, sessionId: string): Promise<ExitCode> {
  let refused = false;
  const app = render(
    createElement(AttachApp, {
      client,
      sessionId,
      openSocket: (options) =>
        new SessionSocketClient({
          ...options,
          baseUrl: config.url,
          token: config.token,
          onFailure: (failure) => {
            refused = true;
            options.onFailure?.(failure);
          },
        }),
    }),
    // Ink turns live rendering off whenever CI is set (is-in-ci); a person at a terminal is
    // interactive whatever the environment says, so the terminal decides.
    { interactive: process.stdout.isTTY === true },
  );
  await app.waitUntilExit();
  return refused ? 1 : 0;
}
