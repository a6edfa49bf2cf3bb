/**
 * CI's check that worker/src/db/schema.ts and migrations/ agree: drizzle-kit's own `check` (the
 * migration snapshots are consistent), then `generate` into a scratch copy of migrations/ — if it
 * writes a migration, the schema changed without one (run `npm run db:generate`).
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const WORKER = fileURLToPath(new URL("../worker/", import.meta.url));
const MIGRATIONS = fileURLToPath(new URL("../migrations/", import.meta.url));
const drizzleKit = (args: string[]) =>
  execFileSync("npx", ["drizzle-kit", ...args], { cwd: WORKER, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

drizzleKit(["check"]);

const scratch = mkdtempSync(join(tmpdir(), "schema-drift-"));
try {
  cpSync(MIGRATIONS, scratch, { recursive: true });
  const before = new Set(readdirSync(scratch));
  drizzleKit([
    "generate",
    "--dialect=postgresql",
    "--schema=./src/db/schema.ts",
    "--casing=snake_case",
    // Relative: drizzle-kit puts "./" in front of the folder it is given.
    `--out=${relative(WORKER, scratch)}`,
    "--name=drift",
  ]);
  const written = readdirSync(scratch).filter((name) => !before.has(name));
  if (written.length > 0) {
    process.stderr.write(
      `worker/src/db/schema.ts has changes no migration holds (drizzle-kit would write ${written.join(", ")}).\n` +
        "Run `npm run db:generate` and commit the migration.\n",
    );
    process.exit(1);
  }
  process.stdout.write("schema and migrations agree\n");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
