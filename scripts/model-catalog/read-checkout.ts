/**
 * A models.dev checkout read the way its own generator (packages/core/src/generate.ts) reads it:
 * providers/<provider>/models/<id>.toml, where a file with `base_model = "<maker>/<id>"` inherits
 * models/<maker>/<id>.toml, its own fields winning (deep merge, arrays replaced) and
 * `base_model_omit` paths removed. Returns the api.json shape, for the providers asked for only.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { parse } from "smol-toml";
import type { UpstreamCatalog } from "./upstream.ts";

type Table = Record<string, unknown>;

const isTable = (value: unknown): value is Table => typeof value === "object" && value !== null && !Array.isArray(value);

function tomlFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".toml"))
    .map((path) => join(directory, path))
    .sort();
}

function readToml(path: string): Table {
  try {
    return parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** `a/b.toml` under `directory` → `a/b`, with forward slashes on every platform. */
const idOf = (directory: string, path: string) => relative(directory, path).split(sep).join("/").slice(0, -".toml".length);

function mergeDeep(base: Table, over: Table): Table {
  const merged: Table = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const under = merged[key];
    merged[key] = isTable(under) && isTable(value) ? mergeDeep(under, value) : value;
  }
  return merged;
}

/** Removes each dotted path, and any table that removal leaves empty. */
function omit(table: Table, paths: readonly string[]): Table {
  const result = structuredClone(table);
  for (const path of paths) {
    const parts = path.split(".");
    const parents: Table[] = [result];
    for (const part of parts.slice(0, -1)) {
      const next = parents.at(-1)?.[part];
      if (!isTable(next)) break;
      parents.push(next);
    }
    if (parents.length !== parts.length) continue;
    delete parents.at(-1)?.[parts.at(-1) ?? ""];
    for (let depth = parents.length - 1; depth > 0; depth -= 1) {
      if (Object.keys(parents[depth] ?? {}).length > 0) break;
      delete parents[depth - 1]?.[parts[depth - 1] ?? ""];
    }
  }
  return result;
}

/** Model-only facts that are not inherited (generate.ts `inheritableModelMetadata`). */
const NOT_INHERITED = ["id", "benchmarks", "license", "links", "weights"];

function resolveBase(model: Table, bases: ReadonlyMap<string, Table>, path: string): Table {
  const baseId = model.base_model;
  if (baseId === undefined) return model;
  const base = typeof baseId === "string" ? bases.get(baseId) : undefined;
  if (base === undefined) throw new Error(`${path}: unknown base_model ${JSON.stringify(baseId)}`);
  const { base_model: _base, base_model_omit: omitted, ...own } = model;
  const inherited = Object.fromEntries(Object.entries(base).filter(([key]) => !NOT_INHERITED.includes(key)));
  const paths = Array.isArray(omitted) ? omitted.filter((each): each is string => typeof each === "string") : [];
  return omit(mergeDeep(inherited, own), paths);
}

export function readCheckout(root: string, providerIds: readonly string[]): UpstreamCatalog {
  const modelsDirectory = join(root, "models");
  const bases = new Map(tomlFiles(modelsDirectory).map((path) => [idOf(modelsDirectory, path), readToml(path)]));
  const catalog: UpstreamCatalog = {};
  for (const providerId of providerIds) {
    const directory = join(root, "providers", providerId, "models");
    const files = tomlFiles(directory);
    if (files.length === 0) throw new Error(`${directory}: no model files (is ${root} a models.dev checkout?)`);
    catalog[providerId] = {
      models: Object.fromEntries(files.map((path) => [idOf(directory, path), resolveBase(readToml(path), bases, path)])),
    };
  }
  return catalog;
}
