// Types of the test environment: the bindings the Worker sees (`env` from cloudflare:test) and
// the Worker's own exports (`exports` from cloudflare:workers).
import type { Env as WorkerEnv } from "../src/env.ts";

declare global {
  /** Vite's build-time glob import (the stream corpus reads its fixtures with it; workerd has no fs). */
  interface ImportMeta {
    glob<T>(pattern: string, options: { readonly eager: true; readonly import?: string; readonly query?: string }): Record<string, T>;
  }
  namespace Cloudflare {
    interface Env extends WorkerEnv {}
    interface GlobalProps {
      mainModule: typeof import("../src/index.ts");
    }
  }
}
