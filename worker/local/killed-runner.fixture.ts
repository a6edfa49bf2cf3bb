// A test runner's stand-in for local-worker-lifecycle.test.ts: starts a local stack and
// `wrangler dev` the way e2e tests and benchmarks do, says where it serves, then waits to be killed.
import { startLocalWorker } from "./local-worker.ts";

const worker = await startLocalWorker({ name: "killed-runner", showWorkerLine: () => false });
process.stdout.write(`ready ${worker.origin}\n`);
setInterval(() => undefined, 60_000);
