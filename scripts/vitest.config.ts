// Node-side tests of the repository scripts (the model catalog refresh) and of the benchmarks' own parts.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["scripts/**/*.test.ts", "bench/**/*.test.ts"],
    root: new URL("..", import.meta.url).pathname,
  },
});
