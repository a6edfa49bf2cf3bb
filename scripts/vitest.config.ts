// Node-side tests of the repository scripts (the model catalog refresh).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["scripts/**/*.test.ts"],
    root: new URL("..", import.meta.url).pathname,
  },
});
