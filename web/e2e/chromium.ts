/**
 * What every browser e2e run shares: Debian's Chromium, quiet and offline (TOOLCHAIN §3: no
 * first-run, no updates, no DNS but loopback), driven by playwright-core, and the folder the
 * screenshots of every screen land in.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

export const SCREENSHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
];

/** A desktop-sized page with reduced motion, so charts are drawn at once and screenshots show them finished. */
export const DESKTOP = { viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" } as const;

export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}
