/**
 * `npm run catalog:refresh [-- <source>] [--source <label>] [--date YYYY-MM-DD] [--out <file>]`:
 * rewrites the Worker's vendored models.dev snapshot (worker/src/models/models-dev.ts and
 * models-dev/<provider>.ts).
 *
 *   (no source)          download https://models.dev/api.json
 *   path/to/api.json     a saved copy of it
 *   path/to/models.dev   a checkout of github.com/anomalyco/models.dev (its TOML files)
 *
 * --source names where the data came from (default: the URL, the file, or the checkout's commit);
 * --date is the data's date (default: the checkout's last commit, else today).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseJson } from "@maestro/protocol";
import { format, resolveConfig } from "prettier";
import { readCheckout } from "./model-catalog/read-checkout.ts";
import { SOURCE_PROVIDERS, countModels, renderSnapshot, toSnapshot } from "./model-catalog/to-snapshot.ts";
import { type UpstreamCatalog, UpstreamCatalogSchema } from "./model-catalog/upstream.ts";

const API_URL = "https://models.dev/api.json";
const DEFAULT_OUT = resolve(import.meta.dirname, "../worker/src/models/models-dev.ts");

interface Loaded {
  readonly catalog: UpstreamCatalog;
  readonly source: string;
  readonly date?: string;
}

const today = () => new Date().toISOString().slice(0, 10);

function git(directory: string, ...args: string[]): string | undefined {
  try {
    return execFileSync("git", ["-C", directory, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

function parseCatalog(text: string, where: string): UpstreamCatalog {
  const json = parseJson(text);
  if (!json.ok) throw new Error(`${where} is not JSON`);
  return UpstreamCatalogSchema.parse(json.value);
}

async function load(source: string | undefined): Promise<Loaded> {
  if (source === undefined || /^https?:\/\//.test(source)) {
    const url = source ?? API_URL;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return { catalog: parseCatalog(await response.text(), url), source: url };
  }
  if (statSync(source).isDirectory()) {
    const commit = git(source, "rev-parse", "HEAD");
    return {
      catalog: readCheckout(source, SOURCE_PROVIDERS),
      source: commit === undefined ? `models.dev checkout (${basename(resolve(source))})` : `models.dev checkout at commit ${commit}`,
      ...(commit !== undefined && { date: git(source, "log", "-1", "--format=%cs") }),
    };
  }
  return { catalog: parseCatalog(readFileSync(source, "utf8"), source), source: `models.dev api.json (${basename(source)})` };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { source: { type: "string" }, date: { type: "string" }, out: { type: "string" } },
  });
  if (values.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.date)) throw new Error("--date takes YYYY-MM-DD");
  const loaded = await load(positionals[0]);
  const snapshot = toSnapshot(loaded.catalog, { source: values.source ?? loaded.source, date: values.date ?? loaded.date ?? today() });
  const out = values.out === undefined ? DEFAULT_OUT : resolve(values.out);
  const options = await resolveConfig(out);
  for (const file of renderSnapshot(snapshot, basename(out, ".ts"))) {
    const path = join(dirname(out), file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await format(file.text, { ...options, filepath: path }));
  }
  console.log(`${out}: ${countModels(snapshot)} models from ${snapshot.source}, dated ${snapshot.date}`);
}

await main();
