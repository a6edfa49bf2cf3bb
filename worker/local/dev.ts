/**
 * `npm run dev`: the whole product on this machine, with one command and one Ctrl-C.
 * Starts the local stand-ins (embedded Postgres or DATABASE_URL, the Neon proxy, migrations,
 * the Upstash-REST endpoint over REDIS_URL or in memory), builds the web UI and keeps
 * rebuilding it, runs `wrangler dev` with its Durable Objects, fires the Cron Trigger on its
 * schedule (wrangler dev does not), optionally runs a maestro-agent for this machine, and prints
 * where to sign in.
 *
 * Stopping: the stand-ins live in this process; every child (the web watcher, wrangler and its
 * workerd, the agent) runs in its own process group, which SIGINT, SIGTERM or SIGHUP (a closed
 * terminal) stop in order and then kill whole, as does the parent (npm) going away. Signals that arrive while stopping (a second
 * Ctrl-C, npm forwarding the first) change nothing; the shutdown has a deadline, any exit kills
 * the groups still left synchronously (child-process.ts), and the reaper (reaper.ts) kills them
 * if this process is killed outright.
 */
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type Child, startChild } from "./child-process.ts";
import { DEMO_LABEL_PREFIX, ensureDemoData, startDemoSimulator } from "./demo.ts";
import { startDevAgent } from "./dev-agent.ts";
import { ensureDevVars } from "./dev-vars.ts";
import { PUBLISHED_LINE } from "./publish-dir.ts";
import { quietWorkerOutput } from "./quiet-output.ts";
import { startReaper } from "./reaper.ts";
import { startLocalStack } from "./stack.ts";
import { REPO_ROOT as ROOT, startWrangler, waitForHealth } from "./wrangler.ts";

// Where this run keeps .dev.vars and .maestro/: the repository, unless MAESTRO_DEV_HOME says
// otherwise (the web UI's end-to-end tests run the whole product in a throwaway folder).
const HOME = process.env.MAESTRO_DEV_HOME || ROOT;
const STATE = join(HOME, ".maestro");
const CRON_INTERVAL_MS = 5 * 60 * 1000;
// A shutdown that takes longer than this is cut short: the exit kills what is left.
const SHUTDOWN_DEADLINE_MS = 20_000;

const { values: flags } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "8787" },
    demo: { type: "boolean", default: process.env.MAESTRO_DEMO === "1" },
    agent: { type: "string" },
    "no-agent": { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  process.stdout.write(`npm run dev [-- --port 8787] [-- --demo] [-- --agent <dir>] [-- --verbose]

  --demo                     also start simulated providers and add demo credentials (MAESTRO_DEMO=1);
                             with --demo a maestro-agent rooted at this repository runs too
  --agent <dir>              run a maestro-agent for this machine with <dir> as its root
  --no-agent                 do not run one, even with --demo
  --verbose                  print every line wrangler and the Worker log (each request, info
                             events); by default only warnings and errors

  DATABASE_URL=postgres://…  use this Postgres instead of the embedded one (.maestro/pgdata)
  REDIS_URL=redis://…        use this Redis instead of the in-memory store
`);
  process.exit(0);
}
const port = Number(flags.port);
// The folder a local agent may touch: asked for, or this repository in demo mode.
const agentRoot = flags["no-agent"] ? undefined : flags.agent !== undefined ? resolve(flags.agent) : flags.demo ? ROOT : undefined;

let web: Child | undefined;
let wrangler: Child | undefined;
let agent: Child | undefined;
let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
let demo: Awaited<ReturnType<typeof startDemoSimulator>> | undefined;
let cronTimer: NodeJS.Timeout | undefined;
let stopping = false;

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stdout.write("\nStopping…\n");
  setTimeout(() => process.exit(code), SHUTDOWN_DEADLINE_MS);
  clearInterval(cronTimer);
  // The agent first (it would redial a Worker going away). Then wrangler, with SIGINT to its own
  // process so it shuts workerd down cleanly, beside the web watcher, which has nothing to save.
  await agent?.stop("SIGINT", 3_000).catch(() => undefined);
  await Promise.all([wrangler?.stop("SIGINT", 8_000), web?.killGroup("SIGKILL")]).catch(() => undefined);
  await demo?.close().catch(() => undefined);
  await stack?.close();
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stopAll(0));
// `kill <pid of npm>` ends npm and the shell it ran us from, but the shell passes nothing on:
// a parent that went away (this process is handed to init) stops us as a signal would.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stopAll(0);
}, 500).unref();
// After a hangup the terminal is gone and writing to it fails (EIO): that must not cut the
// shutdown short with an uncaught error.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
startReaper();

try {
  await mkdir(STATE, { recursive: true });
  const devVars = await ensureDevVars(join(HOME, ".dev.vars"));

  stack = await startLocalStack({
    databaseUrl: process.env.DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    dataDir: join(STATE, "pgdata"),
    // Kept between runs, so a restart does not sign the browser out (its web session lives here).
    redisSnapshot: join(STATE, "redis-memory.json"),
    upstashToken: `local-${randomUUID()}`,
  });

  // Addresses of this run's stand-ins, for wrangler. A file rather than --var flags, so a real
  // DATABASE_URL's password never shows up in `ps`.
  const runtimeEnv = join(STATE, "runtime.env");
  await writeFile(
    runtimeEnv,
    [
      `DATABASE_URL=${stack.databaseUrl}`,
      `NEON_LOCAL_WS_PROXY=127.0.0.1:${stack.wsProxyPort}`,
      `UPSTASH_REDIS_REST_URL=${stack.upstashUrl}`,
      `UPSTASH_REDIS_REST_TOKEN=${stack.upstashToken}`,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );

  // Built into the run's own folders (web-build.ts), never `web/dist`: a build elsewhere (a test,
  // `npm run build`) cannot empty the folder this run serves.
  const webServed = join(STATE, "web");
  let published: () => void = () => undefined;
  const firstPublish = new Promise<void>((resolve) => (published = resolve));
  web = startChild(
    "web",
    process.execPath,
    ["--import", "tsx", join(ROOT, "worker/local/web-build.ts"), "--watch", "--out", join(STATE, "web-build"), "--serve", webServed],
    { cwd: ROOT, show: (line) => line !== PUBLISHED_LINE, onLine: (line) => line === PUBLISHED_LINE && published() },
  );
  const webFailed = web.exited.then((code) => {
    throw new Error(`the web build failed (${code})`);
  });
  await Promise.race([firstPublish, webFailed]);
  void webFailed.catch(() => undefined);

  wrangler = startWrangler({
    port,
    envFiles: [join(HOME, ".dev.vars"), runtimeEnv],
    persistTo: join(STATE, "wrangler-state"),
    assets: webServed,
    ...(!flags.verbose && { show: quietWorkerOutput() }),
  });
  void wrangler.exited.then((code) => {
    if (!stopping) {
      process.stderr.write(`wrangler dev exited (${code}); stopping everything.\n`);
      void stopAll(1);
    }
  });

  const origin = `http://127.0.0.1:${port}`;
  await waitForHealth(`${origin}/api/v1/health`, wrangler);
  if (flags.demo) {
    demo = await startDemoSimulator();
    await ensureDemoData(origin, devVars.apiToken, demo.url);
  }
  if (agentRoot !== undefined) {
    agent = await startDevAgent({ origin, apiToken: devVars.apiToken, stateDir: STATE, root: agentRoot });
  }
  cronTimer = setInterval(() => {
    void fetch(`${origin}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/5 * * * *")}`).catch(() => undefined);
  }, CRON_INTERVAL_MS);

  process.stdout.write(`
  The Maestro is running.

    Web UI     ${origin}
    API        ${origin}/api/v1   (OpenAPI: ${origin}/api/v1/openapi.json)
    API token  ${devVars.apiToken}${devVars.created ? "   (new: written to .dev.vars)" : "   (from .dev.vars)"}
    Postgres   ${stack.database}
    Redis      ${stack.redisBackend}
    Agent      ${agentRoot === undefined ? "none (npm run dev -- --agent <dir> runs one; see README)" : `maestro-agent with root ${agentRoot}`}
${
  demo === undefined
    ? ""
    : `
  Demo mode: simulated Anthropic, OpenAI and Gemini at ${demo.url}. The credentials labelled
  "${DEMO_LABEL_PREFIX}" and the "Demo session" use them: no API key, no real model.
`
}
  Ctrl-C stops everything.
`);
} catch (error) {
  // Interrupted while starting: what failed is only the shutdown under way, not worth a word.
  if (!stopping) process.stderr.write(`npm run dev failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll(1);
}
