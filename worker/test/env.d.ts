// Types of the test environment: the bindings the Worker sees (`env` from cloudflare:test) and
// the Worker's own exports (`exports` from cloudflare:workers).
import type { Env as WorkerEnv } from "../src/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
    interface GlobalProps {
      mainModule: typeof import("../src/index.ts");
    }
  }
}
