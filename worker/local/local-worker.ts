/**
 * The whole product on loopback for end-to-end tests and benchmarks: the local stand-in stack,
 * the provider simulator, and `wrangler dev` with a fresh API token and encryption key, all
 * in a temporary folder that `stop()` removes. What `npm run dev` runs, without a terminal.
 */
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CreateSessionBody, type RestClient, type Session, createRestClient } from "@maestro/protocol";
import { registerScript, scriptKey } from "../test/simulators/client.ts";
import type { TurnInput } from "../test/simulators/script.ts";
import { type Simulator, startSimulator } from "../test/simulators/server.ts";
import { freePort } from "./free-port.ts";
import { type LocalStack, startLocalStack } from "./stack.ts";
import { REPO_ROOT, startWrangler, waitForHealth } from "./wrangler.ts";

export interface LocalWorker {
  readonly origin: string;
  readonly token: string;
  readonly client: RestClient;
  readonly simulator: Simulator;
  readonly stack: LocalStack;
  stop(): Promise<void>;
}

export async function startLocalWorker(options: { name: string; checkHeaders?: boolean }): Promise<LocalWorker> {
  // wrangler refuses to start without the static-assets folder; these runs need the API, not the
  // UI, so on a fresh clone an empty folder stands in for the web build.
  await mkdir(join(REPO_ROOT, "web", "dist"), { recursive: true });
  const workDir = await mkdtemp(join(tmpdir(), `maestro-${options.name}-`));
  const token = randomUUID();
  const stack = await startLocalStack({ upstashToken: randomUUID(), startRedis: true });
  const simulator = await startSimulator({ checkHeaders: options.checkHeaders ?? false });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const envFile = join(workDir, "worker.env");
  await writeFile(
    envFile,
    [
      `MAESTRO_API_TOKEN=${token}`,
      `MAESTRO_ENCRYPTION_KEYS=k1:${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64")}`,
      `DATABASE_URL=${stack.databaseUrl}`,
      `NEON_LOCAL_WS_PROXY=127.0.0.1:${stack.wsProxyPort}`,
      `UPSTASH_REDIS_REST_URL=${stack.upstashUrl}`,
      `UPSTASH_REDIS_REST_TOKEN=${stack.upstashToken}`,
    ].join("\n"),
  );
  const wrangler = startWrangler({ port, envFiles: [envFile], persistTo: join(workDir, "state"), name: options.name });
  const stop = async () => {
    await wrangler.stop();
    await simulator.close();
    await stack.close();
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(`${origin}/api/v1/health`, wrangler);
  } catch (error) {
    await stop();
    throw error;
  }
  return { origin, token, client: createRestClient({ baseUrl: origin, token }), simulator, stack, stop };
}

/**
 * A session on the simulated Anthropic model, playing `turns` in order: the script is registered
 * under a fresh key, which becomes the session's credential. Auto-approves unless `extra` says not.
 */
export async function scriptedSessionOn(
  worker: LocalWorker,
  turns: TurnInput[],
  extra: Partial<CreateSessionBody> = {},
): Promise<{ session: Session; key: string }> {
  const key = scriptKey("anthropic");
  await registerScript(worker.simulator.url, key, turns);
  const credential = await worker.client.credentials.create({
    provider: "anthropic",
    auth_type: "api_key",
    label: "scripted",
    api_key: key,
    base_url: worker.simulator.url,
  });
  const session = await worker.client.sessions.create({
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    credential_id: credential.id,
    approval_mode: "auto",
    ...extra,
  });
  return { session, key };
}
