/**
 * For migration tests: a copy of the migrations folder as it stood before a migration, so a test
 * can build a database at that point, fill it with rows, then apply the rest.
 */
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MIGRATIONS_FOLDER } from "./migrate.ts";

/** The migrations before `tag` (its first ones, and a journal naming only them), in a folder under `scratch`. */
export async function migrationsBefore(scratch: string, tag: string): Promise<string> {
  const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((entry) => entry.tag === tag);
  if (at === -1) throw new Error(`no migration ${tag} in the journal`);
  const kept = journal.entries.slice(0, at);
  const folder = join(scratch, `before-${tag}`);
  await mkdir(join(folder, "meta"), { recursive: true });
  for (const entry of kept) await copyFile(join(MIGRATIONS_FOLDER, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
  await writeFile(join(folder, "meta/_journal.json"), JSON.stringify({ ...journal, entries: kept }));
  return folder;
}
