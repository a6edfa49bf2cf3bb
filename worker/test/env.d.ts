// Types of the test environment: the bindings the Worker sees, as `env` from cloudflare:test.
import type { Env as WorkerEnv } from "../src/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
  }
}
