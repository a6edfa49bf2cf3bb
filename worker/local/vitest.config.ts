// Node-side tests: the local stand-ins (PGlite behind the WebSocket proxy, the Upstash-REST shim),
// the simulators against the official SDKs, and end-to-end runs against `wrangler dev` (test/e2e).
// The worker's own tests run in workerd: see worker/test/vitest.config.ts; test/node holds the few
// that need what workerd does not give a test (a forced garbage collection).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["local/**/*.test.ts", "test/simulators/**/*.test.ts", "test/e2e/**/*.test.ts", "test/node/**/*.test.ts"],
    root: new URL("..", import.meta.url).pathname,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
