#!/usr/bin/env node
/**
 * `maestro-agent`: reads the configuration, starts the agent, and keeps it running until Ctrl-C
 * (or SIGTERM), or until the Worker refuses its token — then it exits non-zero with the reason.
 */
import { hostname } from "node:os";
import { startAgent } from "./agent.ts";
import { USAGE, readConfig } from "./config.ts";
import { createLogger } from "./log.ts";

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const log = createLogger();
  const result = readConfig(argv, process.env, process.cwd(), hostname());
  if (!result.ok) {
    for (const error of result.errors) log.error("config.invalid", { problem: error });
    process.stderr.write(`\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  let agent: Awaited<ReturnType<typeof startAgent>>;
  try {
    agent = await startAgent(result.config, {
      log,
      onFatal: () => {
        process.exitCode = 1;
        void agent.stop();
      },
    });
  } catch (error) {
    log.error("agent.start_failed", { problem: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
    return;
  }
  const shutdown = () => {
    log.info("agent.stopping");
    void agent.stop();
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

await main();
