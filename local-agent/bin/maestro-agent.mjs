#!/usr/bin/env node
// `maestro-agent` from this checkout (`npm run agent`, `npm run dev -- --demo`, the e2e tests):
// runs the TypeScript entry directly, so a change needs no rebuild. Node 22.18+ strips types
// natively, and the sources use only erasable syntax (tsconfig `erasableSyntaxOnly`). The
// installable package's bin is the bundle instead (dist/maestro-agent.mjs, built by build.ts).
await import("../src/main.ts");
