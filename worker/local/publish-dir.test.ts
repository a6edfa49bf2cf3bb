// Proves: publishing a new web build over the one being served never leaves a moment where
// index.html is missing or names an asset that is not there, keeps files whose bytes did not
// change (no reload for an unchanged rebuild), and removes the previous build's leftovers.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { publishDir } from "./publish-dir.ts";

let root: string;

async function writeBuild(folder: string, version: string): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  await mkdir(join(folder, "assets"), { recursive: true });
  const assets = Array.from({ length: 40 }, (_, index) => `assets/chunk-${index}-${version}.js`);
  for (const asset of assets) await writeFile(join(folder, asset), `// ${asset}\n${"x".repeat(20_000)}`);
  await writeFile(join(folder, "favicon.svg"), "<svg/>");
  await writeFile(join(folder, "index.html"), `<html>${assets.map((asset) => `<script src="/${asset}"></script>`).join("")}</html>`);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "maestro-publish-"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

it("serves a whole build at every moment of a publish", async () => {
  const staging = join(root, "staging");
  const served = join(root, "served");
  await writeBuild(staging, "a");
  await publishDir(staging, served);
  const favicon = await stat(join(served, "favicon.svg"));

  await writeBuild(staging, "b");
  let publishing = true;
  const checks: string[] = [];
  const watch = (async () => {
    while (publishing) {
      const index = await readFile(join(served, "index.html"), "utf8").catch(() => "missing");
      const named = [...index.matchAll(/src="\/([^"]+)"/g)].map((match) => match[1] ?? "");
      const missing: string[] = [];
      for (const asset of named) if (!(await stat(join(served, asset)).catch(() => undefined))) missing.push(asset);
      checks.push(index === "missing" ? "index.html missing" : missing.length > 0 ? `missing ${missing.join(", ")}` : "ok");
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  await publishDir(staging, served);
  publishing = false;
  await watch;

  expect(checks.length).toBeGreaterThan(3);
  expect(checks.filter((check) => check !== "ok")).toEqual([]);
  expect(await readFile(join(served, "index.html"), "utf8")).toContain("chunk-0-b.js");
  expect(await stat(join(served, "assets", "chunk-0-a.js")).catch(() => undefined)).toBeUndefined();
  // Unchanged bytes: the very same file, not rewritten.
  expect((await stat(join(served, "favicon.svg"))).mtimeMs).toBe(favicon.mtimeMs);
});
