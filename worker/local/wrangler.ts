/**
 * `wrangler dev` as a child process, as `npm run dev` and the benchmarks run it: on loopback,
 * no outside connections (no cf.json fetch, no metrics), no interactive session, secrets from
 * env files, and a health check to know when it is ready.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Child, startChild } from "./child-process.ts";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export function resolveBin(pkg: string, bin: string): string {
  return join(dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), bin);
}

export interface WranglerOptions {
  port: number;
  /** Secrets and settings (The Maestro's env files; none for a bench's own Worker). */
  envFiles?: string[];
  /** Where the local storage goes (wrangler's default, in `cwd`, when absent). */
  persistTo?: string;
  /** The folder holding wrangler.toml: the repository's own, unless a bench runs a Worker of its own. */
  cwd?: string;
  /** Plain variables passed with `--var` (a bench Worker's settings). */
  vars?: Record<string, string>;
  /** The folder of static assets to serve instead of wrangler.toml's (`web/dist`). */
  assets?: string;
  name?: string;
  /** Each line wrangler and the Worker print, for a test that reads the logs. */
  onLine?: (line: string) => void;
  /** Which lines reach the terminal (all when absent). */
  show?: (line: string) => boolean;
}

export function startWrangler(options: WranglerOptions): Child {
  return startChild(
    options.name ?? "worker",
    process.execPath,
    [
      resolveBin("wrangler", "bin/wrangler.js"),
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(options.port),
      ...(options.envFiles ?? []).flatMap((file) => ["--env-file", file]),
      ...(options.persistTo !== undefined ? ["--persist-to", options.persistTo] : []),
      ...Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
      ...(options.assets !== undefined ? ["--assets", options.assets] : []),
      "--show-interactive-dev-session=false",
    ],
    {
      cwd: options.cwd ?? REPO_ROOT,
      // X_LOCAL_OBSERVABILITY: wrangler's local trace store (for its explorer UI, which nothing
      // here opens) commits to disk ~30 times a second on the Worker's own thread — a cost no
      // deployed Worker pays, measured on every streamed token and tool call (bench/README.md).
      env: { CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", X_LOCAL_OBSERVABILITY: "false" },
      ...(options.onLine !== undefined && { onLine: options.onLine }),
      ...(options.show !== undefined && { show: options.show }),
    },
  );
}

export async function waitForHealth(url: string, child: Child): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt += 1) {
    if (child.process.exitCode !== null) throw new Error("wrangler dev exited before it was ready");
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`no answer from ${url}`);
}
