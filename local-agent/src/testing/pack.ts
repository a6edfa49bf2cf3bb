/**
 * The installable `maestro-agent` as a user gets it: `npm pack` of this package (which builds the
 * bundle), installed offline from the tarball into an empty folder outside the repository. Shared
 * by the pack test (against a stand-in Worker) and the e2e test through the real local Worker.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parseJson } from "@maestro/protocol";
import { z } from "zod";

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
// The Node running the tests (22) first on PATH, for npm's scripts and the bin's `env node`.
const PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`;
/** What `npm pack --json` prints: one entry per packed package. */
const PackedSchema = z.tuple([z.object({ filename: z.string() })]);

export interface InstalledAgent {
  readonly tarball: string;
  /** The installed command, `<app>/node_modules/.bin/maestro-agent`. */
  readonly bin: string;
  /** An environment with nothing of this repository or of this user in it (HOME is `<home>/home`). */
  cleanEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

/** Packs the agent into `home` and installs it into `home/app`; `home` must exist and be empty. */
export async function packAndInstall(home: string): Promise<InstalledAgent> {
  mkdirSync(join(home, "home"));
  const cleanEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ PATH, HOME: join(home, "home"), ...extra });
  const packed = await run("npm", ["pack", "--json", "--pack-destination", home], { cwd: PACKAGE_DIR, env: { ...process.env, PATH } });
  const parsed = parseJson(packed.stdout);
  const info = PackedSchema.safeParse(parsed.ok ? parsed.value : undefined);
  if (!info.success) throw new Error(`npm pack printed no tarball name: ${packed.stdout}`);
  const tarball = join(home, info.data[0].filename);
  const app = join(home, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), `${JSON.stringify({ name: "elsewhere", private: true })}\n`);
  // --offline: the package must need nothing from a registry.
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball], {
    cwd: app,
    env: cleanEnv({ npm_config_cache: join(home, "npm-cache") }),
  });
  return { tarball, bin: join(app, "node_modules", ".bin", "maestro-agent"), cleanEnv };
}
