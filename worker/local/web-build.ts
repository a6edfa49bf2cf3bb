/**
 * The web UI for `npm run dev`: Vite builds into a staging folder and each finished build is
 * published into the folder the Worker serves (publish-dir.ts), so `/` keeps answering with the
 * last good build while the next one is written, and a failed rebuild changes nothing. Both
 * folders belong to the run (under its .maestro/): `web/dist`, `npm run build`'s output for
 * deploys, is never written, so a build elsewhere (a test, a deploy) cannot disturb it.
 *
 *   node --import tsx worker/local/web-build.ts --out <staging> --serve <served> [--watch]
 *
 * Prints "web build published" after each publish; with --watch a first build that fails exits 1.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { build } from "vite";
import { PUBLISHED_LINE, publishDir } from "./publish-dir.ts";
import { REPO_ROOT } from "./wrangler.ts";

const WEB = join(REPO_ROOT, "web");
const { values } = parseArgs({
  options: { out: { type: "string" }, serve: { type: "string" }, watch: { type: "boolean", default: false } },
});
const staging = values.out;
const served = values.serve;
if (staging === undefined || served === undefined) throw new Error("usage: web-build.ts --out <staging> --serve <served> [--watch]");

let published = false;
const result = await build({
  root: WEB,
  configFile: join(WEB, "vite.config.ts"),
  logLevel: "warn",
  build: { outDir: staging, emptyOutDir: true, watch: values.watch ? {} : null },
  plugins: [
    {
      name: "maestro-publish",
      apply: "build",
      // After every file of this build is written: a build that failed never gets here.
      writeBundle: {
        order: "post",
        sequential: true,
        async handler() {
          await publishDir(staging, served);
          published = true;
          process.stdout.write(`${PUBLISHED_LINE}\n`);
        },
      },
    },
  ],
});

if (values.watch && "on" in result) {
  result.on("event", (event) => {
    if (event.code === "ERROR" && !published) process.exit(1);
  });
}
