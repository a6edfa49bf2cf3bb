// Node-side tests of the local stand-ins (PGlite behind the WebSocket proxy, the Upstash-REST shim).
// The worker's own tests run in workerd: see worker/test/vitest.config.ts.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["local/**/*.test.ts", "test/simulators/**/*.test.ts"],
    root: new URL("..", import.meta.url).pathname,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
