// The web UI end to end: real Chromium (Debian's, driven by playwright-core) against
// `npm run dev -- --demo` in a throwaway folder. Screenshots land in web/e2e/screenshots/.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL(".", import.meta.url).pathname,
    include: ["**/*.e2e.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
