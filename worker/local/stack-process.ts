/**
 * The local stack as a child process: starts it, prints one line `{"ready": {...addresses}}` on
 * stdout, and stops it on SIGTERM/SIGINT. The worker's test run spawns this (its globalSetup is
 * evaluated by Vite, whose browser-flavoured module resolution breaks Node-only servers).
 * Settings come from the environment: DATABASE_URL, REDIS_URL, MAESTRO_STACK_DATA_DIR, and
 * MAESTRO_STACK_SIMULATOR=1 to start the provider simulator too.
 */
import { randomUUID } from "node:crypto";
import { startSimulator } from "../test/simulators/server.ts";
import { startLocalStack } from "./stack.ts";

const stack = await startLocalStack({
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
  dataDir: process.env.MAESTRO_STACK_DATA_DIR || undefined,
  startRedis: true,
  upstashToken: `local-${randomUUID()}`,
});

const simulator = process.env.MAESTRO_STACK_SIMULATOR === "1" ? await startSimulator() : undefined;

const { close: closeStack, ...addresses } = stack;
const close = async () => {
  await simulator?.close();
  await closeStack();
};
process.stdout.write(`${JSON.stringify({ ready: { ...addresses, simulatorUrl: simulator?.url ?? null } })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void close().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// If the parent dies without signalling, stdin closes: stop with it rather than linger.
process.stdin.on("end", stop);
process.stdin.resume();
