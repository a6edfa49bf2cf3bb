/**
 * Bundles `maestro-agent` for installing on another machine with only Node: dist/maestro-agent.mjs
 * with @maestro/protocol, zod, ws, tinyglobby and the MCP SDK inlined, so the package has no
 * runtime dependencies and no TypeScript. Code that starts a worker thread from its own file
 * (`new Worker(new URL("./x.ts", import.meta.url))`, as grep does) gets that file bundled as a
 * second entry, dist/x.mjs, and the URL rewritten to it: the bundle and its threads sit side by side.
 */
import { readFile, readdir, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { type Plugin, build } from "esbuild";

const THREAD_URL = /new URL\("\.\/([\w-]+)\.ts", import\.meta\.url\)/g;

/** Source files under src (not tests) that start a thread from a sibling file: file → thread names. */
async function findThreadEntries(dir: string): Promise<string[]> {
  const entries: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".ts") || entry.name.endsWith(".test.ts")) continue;
    const text = await readFile(join(entry.parentPath, entry.name), "utf8");
    for (const match of text.matchAll(THREAD_URL)) entries.push(join(entry.parentPath, `${match[1]}.ts`));
  }
  return entries;
}

/** Points `new URL("./x.ts", import.meta.url)` at the bundled `./x.mjs`. */
const threadUrls: Plugin = {
  name: "thread-urls",
  setup(context) {
    context.onLoad({ filter: /\/src\/.*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!THREAD_URL.test(text)) return undefined;
      THREAD_URL.lastIndex = 0;
      return { contents: text.replace(THREAD_URL, 'new URL("./$1.mjs", import.meta.url)'), loader: "ts" };
    });
  },
};

const threads = await findThreadEntries("src");
const names = new Set(threads.map((path) => basename(path, ".ts")));
if (names.size !== threads.length || names.has("maestro-agent")) throw new Error(`thread file names must be unique: ${threads.join(", ")}`);

await rm("dist", { recursive: true, force: true });
await build({
  entryPoints: [{ in: "src/main.ts", out: "maestro-agent" }, ...threads.map((path) => ({ in: path, out: basename(path, ".ts") }))],
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: false,
  platform: "node",
  target: "node22",
  format: "esm",
  // ws loads these optional native speed-ups in a try/catch; without them it uses plain JS.
  external: ["bufferutil", "utf-8-validate"],
  plugins: [threadUrls],
  banner: {
    // Some bundled CommonJS (ws, cross-spawn) still calls require(); give the ES module one.
    js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
  },
  logLevel: "warning",
});
