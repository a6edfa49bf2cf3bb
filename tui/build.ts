/**
 * Bundles `maestro` into one file (dist/maestro.mjs) so `npx maestro` starts fast: no TypeScript,
 * no module resolution across hundreds of files at start-up.
 */
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli.tsx"],
  outfile: "dist/maestro.mjs",
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  jsx: "automatic",
  // Ink loads React DevTools only when DEV=true; a release CLI never does (src/no-devtools.ts).
  alias: { "react-devtools-core": "./src/no-devtools.ts" },
  banner: {
    // Some of Ink's dependencies still call require(); give the ES module one.
    js: '#!/usr/bin/env node\nimport { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
  },
  logLevel: "warning",
});
