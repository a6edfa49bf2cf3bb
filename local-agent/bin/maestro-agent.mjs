#!/usr/bin/env node
// `maestro-agent`: runs the TypeScript entry directly. Node 22.18+ strips types natively, and the
// sources use only erasable syntax (tsconfig `erasableSyntaxOnly`), so there is no build step.
await import("../src/main.ts");
