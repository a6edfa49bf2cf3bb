#!/usr/bin/env node
// `maestro`: starts the one-file bundle (dist/maestro.mjs). The bin is this small launcher rather
// than the bundle itself because npm links a workspace's bins at install time, before `prepare`
// has built the bundle; a bin pointing at a missing file would be silently left unlinked.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/maestro.mjs", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("maestro: the bundle is not built yet; run `npm run build -w @maestro/tui`\n");
  process.exit(1);
}
await import(bundle.href);
