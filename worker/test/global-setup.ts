// Starts the real local stand-ins once for the whole run, in a child process, and stops them
// afterwards: PGlite (in memory) behind the Neon WebSocket proxy, migrated with drizzle's
// migrator, and the Upstash-REST endpoint over a real redis-server when one is installed
// (REDIS_URL or DATABASE_URL in the environment point the run at real servers instead); and the
// real MCP server-everything and the OAuth simulator on loopback.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { startEverythingHost } from "./mcp-host/everything-host.ts";
import { startProtectedHost } from "./mcp-host/protected-host.ts";
import { startOAuthSimulator } from "./simulators/oauth-server.ts";

interface Ready {
  ready: {
    databaseUrl: string;
    wsProxyPort: number;
    upstashUrl: string;
    upstashToken: string;
    redisBackend: string;
    database: string;
    simulatorUrl: string;
  };
}

const STACK = fileURLToPath(new URL("../local/stack-process.ts", import.meta.url));

export default async function setup(project: TestProject) {
  const child = spawn(process.execPath, ["--import", "tsx", STACK], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, MAESTRO_STACK_DATA_DIR: "", MAESTRO_STACK_SIMULATOR: "1" },
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = await new Promise<Ready["ready"]>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => resolve((JSON.parse(line) as Ready).ready));
    child.once("exit", (code) => reject(new Error(`local stack exited with ${code} before it was ready`)));
  });
  process.stdout.write(`[global-setup] postgres: ${ready.database}; redis: ${ready.redisBackend}\n`);

  project.provide("databaseUrl", ready.databaseUrl);
  project.provide("wsProxyPort", ready.wsProxyPort);
  project.provide("upstashUrl", ready.upstashUrl);
  project.provide("upstashToken", ready.upstashToken);
  project.provide("simulatorUrl", ready.simulatorUrl);
  // The long-session test's length (issue 12 asks for 1,000 turns); shorter for a quick local run.
  project.provide("longSessionTurns", Number(process.env.MAESTRO_LONG_SESSION_TURNS ?? 1000));
  const everything = await startEverythingHost();
  project.provide("mcpEverythingUrl", everything.url);
  const oauth = await startOAuthSimulator();
  project.provide("oauthIssuer", oauth.url);
  const protectedMcp = await startProtectedHost();
  project.provide("mcpProtectedUrl", protectedMcp.mcpUrl);

  return async () => {
    await protectedMcp.close();
    await everything.close();
    await oauth.close();
    child.kill("SIGTERM");
    await exited;
  };
}
