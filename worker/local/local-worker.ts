/**
 * The whole product on loopback for end-to-end tests and benchmarks: the local stand-in stack,
 * the provider simulator, and `wrangler dev` with a fresh API token and encryption key, all
 * in a temporary folder that `stop()` removes. What `npm run dev` runs, without a terminal.
 */
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CreateSessionBody, type ProviderId, type RestClient, type Session, createRestClient } from "@maestro/protocol";
import { registerScript, scriptKey } from "../test/simulators/client.ts";
import type { TurnInput } from "../test/simulators/script.ts";
import { type Simulator, startSimulator } from "../test/simulators/server.ts";
import { freePort } from "./free-port.ts";
import { type LocalStack, startLocalStack } from "./stack.ts";
import { startStackProcess } from "./stack-child.ts";
import { startReaper } from "./reaper.ts";
import { startWrangler, waitForHealth } from "./wrangler.ts";

export interface LocalWorker {
  readonly origin: string;
  readonly token: string;
  readonly client: RestClient;
  readonly simulator: Simulator;
  readonly stack: LocalStack;
  /**
   * Stops `wrangler dev` — by default the hard way, SIGKILL to wrangler and its workerd children
   * at once, as a crash would — and starts it again on the same port, with the same env file and
   * `--persist-to` state, resolving once it answers health checks. The stack and the simulator
   * stay up, as Neon and Upstash do when a Worker is redeployed or an isolate dies.
   */
  restartWorker(options?: { kill?: NodeJS.Signals }): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalWorkerOptions {
  name: string;
  checkHeaders?: boolean;
  /** Each line wrangler and the Worker print (both runs, across a restart), for a test that reads logs. */
  onWorkerLine?: (line: string) => void;
  /**
   * Runs the stack (the embedded Postgres and the proxies in front of it) in a process of its own,
   * as `npm run dev` does for its clients: a benchmark whose clients share this process's thread
   * with PGlite would time every frame late by the query it happened to run (stack-child.ts).
   */
  stackProcess?: boolean;
  /** Which of those lines reach the terminal (all when absent); a benchmark keeps its table readable. */
  showWorkerLine?: (line: string) => boolean;
}

export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  // A runner killed outright (a test's time limit, SIGKILL) must not leave wrangler serving.
  startReaper();
  const workDir = await mkdtemp(join(tmpdir(), `maestro-${options.name}-`));
  // wrangler refuses to start without a static-assets folder; these runs need the API, not the
  // UI, so an empty folder of their own stands in for the web build (web/dist, which a build
  // elsewhere may be rewriting, is neither needed nor watched).
  const assets = join(workDir, "assets");
  await mkdir(assets);
  const token = randomUUID();
  const stack =
    options.stackProcess === true ? await startStackProcess() : await startLocalStack({ upstashToken: randomUUID(), startRedis: true });
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
      // The e2e runs and benchmarks sign in and call the API from loopback far faster than a
      // person: limits they never reach, still counted (the limit's own tests are in test/rate-limit).
      "MAESTRO_SIGN_IN_RATE_LIMIT=100000/1m",
      "MAESTRO_API_RATE_LIMIT=100000/1m",
    ].join("\n"),
  );
  const wranglerOptions = {
    port,
    envFiles: [envFile],
    persistTo: join(workDir, "state"),
    assets,
    name: options.name,
    ...(options.onWorkerLine !== undefined && { onLine: options.onWorkerLine }),
    ...(options.showWorkerLine !== undefined && { show: options.showWorkerLine }),
  };
  let wrangler = startWrangler(wranglerOptions);
  const health = `${origin}/api/v1/health`;
  const restartWorker = async ({ kill = "SIGKILL" }: { kill?: NodeJS.Signals } = {}) => {
    if (kill === "SIGKILL") await wrangler.killGroup("SIGKILL");
    else await wrangler.stop(kill);
    wrangler = startWrangler(wranglerOptions);
    await waitForHealth(health, wrangler);
  };
  const stop = async () => {
    await wrangler.stop();
    await simulator.close();
    await stack.close();
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(health, wrangler);
  } catch (error) {
    await stop();
    throw error;
  }
  return { origin, token, client: createRestClient({ baseUrl: origin, token }), simulator, stack, restartWorker, stop };
}

/** The model each simulated provider is asked for, and where its API lives on the simulator. */
const SIMULATED: Partial<Record<ProviderId, { model: string; path: string }>> = {
  anthropic: { model: "claude-sonnet-4-5", path: "" },
  openai: { model: "gpt-4.1", path: "/v1" },
  openai_responses: { model: "gpt-5", path: "/v1" },
  gemini: { model: "gemini-2.5-pro", path: "" },
};

/**
 * A session on a simulated model (Anthropic unless `extra.provider` names another), playing
 * `turns` in order: the script is registered under a fresh key, which becomes the session's
 * credential. Auto-approves unless `extra` says not.
 */
export async function scriptedSessionOn(
  worker: LocalWorker,
  turns: TurnInput[],
  extra: Partial<CreateSessionBody> = {},
): Promise<{ session: Session; key: string }> {
  const provider = extra.provider ?? "anthropic";
  const simulated = SIMULATED[provider];
  if (simulated === undefined) throw new Error(`the simulator plays no ${provider} model`);
  const key = scriptKey(provider);
  await registerScript(worker.simulator.url, key, turns);
  const credential = await worker.client.credentials.create({
    provider,
    auth_type: "api_key",
    label: "scripted",
    api_key: key,
    base_url: `${worker.simulator.url}${simulated.path}`,
  });
  const session = await worker.client.sessions.create({
    provider,
    model: simulated.model,
    credential_id: credential.id,
    approval_mode: "auto",
    ...extra,
  });
  return { session, key };
}
