// The TUI end to end: the bundled `maestro` under tmux against `npm run dev -- --demo`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL(".", import.meta.url).pathname,
    include: ["**/*.e2e.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
