/** The saved login as a typed API client, or the reason there is none (run `maestro login`). */
import { createRestClient, type RestClient } from "@maestro/protocol";
import { type TuiConfig, loadConfig } from "../config.ts";

export async function connect(): Promise<{ ok: true; client: RestClient; config: TuiConfig } | { ok: false; reason: string }> {
  const loaded = await loadConfig();
  if (!loaded.ok) return loaded;
  return { ok: true, client: createRestClient({ baseUrl: loaded.config.url, token: loaded.config.token }), config: loaded.config };
}
