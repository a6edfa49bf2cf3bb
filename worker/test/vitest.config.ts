// The worker's tests run inside workerd (@cloudflare/vitest-plugin) against the real local
// stand-ins started in global-setup.ts: PGlite behind the Neon WebSocket proxy, and the
// Upstash-REST endpoint (backed by a real redis-server when one is installed).
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_API_TOKEN, TEST_ENCRYPTION_KEYS } from "./test-config.ts";

export default defineConfig({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      wrangler: { configPath: "../../wrangler.toml" },
      miniflare: {
        bindings: {
          MAESTRO_API_TOKEN: TEST_API_TOKEN,
          MAESTRO_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
          DATABASE_URL: inject<string>("databaseUrl"),
          NEON_LOCAL_WS_PROXY: `127.0.0.1:${inject<number>("wsProxyPort")}`,
          UPSTASH_REDIS_REST_URL: inject<string>("upstashUrl"),
          UPSTASH_REDIS_REST_TOKEN: inject<string>("upstashToken"),
          // Short, so the approval-timeout test does not wait five minutes.
          MAESTRO_APPROVAL_TIMEOUT_MS: "1500",
          MAESTRO_CODEX_ISSUER: inject<string>("oauthIssuer"),
          // Short, so the slow-sign-in-server test does not wait thirty seconds.
          MAESTRO_OAUTH_TIMEOUT_MS: "1500",
          // Short, so a stalled stream (stream corpus, *-hang) is given up on in seconds, not minutes.
          MAESTRO_STREAM_IDLE_TIMEOUT_MS: "2000",
          // Every test signs in and calls the API from one address and principal, many times a
          // minute: far above that. The limits' own test (rate-limit/) sets small ones.
          MAESTRO_SIGN_IN_RATE_LIMIT: "100000/1m",
          MAESTRO_API_RATE_LIMIT: "100000/1m",
        },
      },
    })),
  ],
  test: {
    root: new URL(".", import.meta.url).pathname,
    include: ["**/*.test.ts"],
    // The simulators' own tests, the end-to-end runs (real processes) and test/node run in Node: local/vitest.config.ts.
    exclude: ["simulators/**", "e2e/**", "node/**", "**/node_modules/**"],
    globalSetup: ["./global-setup.ts"],
    // One Postgres is shared by every file; files that count rows must not race each other.
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
