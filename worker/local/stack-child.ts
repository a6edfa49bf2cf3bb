/**
 * The local stack (stack.ts) in a process of its own, started from Node: stack-process.ts behind
 * a handle with the same shape as an in-process stack. A benchmark measures time on its clients,
 * and a client that shares its thread with the embedded Postgres reads every frame late by
 * whatever query PGlite is running then (an INSERT is a few milliseconds of WebAssembly), which
 * no user's client and no production database ever does.
 */
import { fileURLToPath } from "node:url";
import { startChild } from "./child-process.ts";
import type { LocalStack, StackAddresses } from "./stack.ts";

const STACK_PROCESS = fileURLToPath(new URL("./stack-process.ts", import.meta.url));

export async function startStackProcess(): Promise<LocalStack> {
  let ready: (addresses: StackAddresses) => void = () => undefined;
  const addresses = new Promise<StackAddresses>((resolve) => (ready = resolve));
  const child = startChild("stack", process.execPath, ["--import", "tsx", STACK_PROCESS], {
    cwd: process.cwd(),
    // In memory, as startLocalStack without a folder; the provider simulator is not wanted here.
    env: { MAESTRO_STACK_DATA_DIR: "", MAESTRO_STACK_SIMULATOR: "0" },
    keepStdinOpen: true,
    onLine: (line) => {
      if (line.startsWith('{"ready":')) ready((JSON.parse(line) as { ready: StackAddresses }).ready);
    },
    show: (line) => !line.startsWith('{"ready":'),
  });
  const started = await Promise.race([
    addresses,
    child.exited.then((code) => {
      throw new Error(`the local stack exited with ${code} before it was ready`);
    }),
  ]);
  return { ...started, close: () => child.stop("SIGTERM") };
}
