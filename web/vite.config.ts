// The web UI is built to web/dist and served by the Worker's static assets (wrangler.toml).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Settings and search load on first use; what is left is what a session page needs (React,
    // markdown with highlighting, the protocol): ~590 kB, 180 kB gzipped, served by the Worker.
    chunkSizeWarningLimit: 650,
  },
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.tsx", "src/**/*.test.ts"],
  },
});
