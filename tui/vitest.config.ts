// Unit and component tests only; the tmux end to end has its own config (e2e/vitest.config.ts)
// with the long timeouts a real dev server needs.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
