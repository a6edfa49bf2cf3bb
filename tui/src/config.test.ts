// Proves: the saved login round-trips, is private to the user (0600), the token never lands in
// an old file that others could read, and a missing or broken file is explained instead of crashing.
import { link, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configPath, loadConfig, saveConfig } from "./config.ts";

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "maestro-tui-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("tui config", () => {
  it("saves with mode 0600 and loads back", async () => {
    const path = join(dir, "maestro", "config.json");
    await saveConfig({ url: "http://127.0.0.1:8787", token: "secret-token" }, path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await loadConfig(path)).toEqual({ ok: true, config: { url: "http://127.0.0.1:8787", token: "secret-token" } });
  });

  it("tightens an existing file that was readable by others", async () => {
    const path = join(dir, "config.json");
    await writeFile(path, "{}", { mode: 0o644 });
    await saveConfig({ url: "https://maestro.example.com", token: "t" }, path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("never writes the token into the old, readable file: a new private file replaces it", async () => {
    const path = join(dir, "config.json");
    await writeFile(path, "{}", { mode: 0o644 });
    // Another name for the same old file, as a backup tool or a careless `ln` leaves behind.
    const otherName = join(dir, "readable-copy.json");
    await link(path, otherName);
    await saveConfig({ url: "https://maestro.example.com", token: "secret-token" }, path);
    expect(await readFile(otherName, "utf8")).toBe("{}");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, "utf8")).toContain("secret-token");
    // Nothing left behind next to it.
    expect((await readdir(dir)).sort()).toEqual(["config.json", "readable-copy.json"]);
  });

  it("explains a missing or invalid file", async () => {
    expect(await loadConfig(join(dir, "absent.json"))).toMatchObject({ ok: false, reason: expect.stringContaining("maestro login") });
    const path = join(dir, "bad.json");
    await writeFile(path, JSON.stringify({ url: "ftp://x", token: "" }));
    expect(await loadConfig(path)).toMatchObject({ ok: false, reason: expect.stringContaining("url, token") });
    await writeFile(path, "{not json");
    expect(await loadConfig(path)).toMatchObject({ ok: false });
  });

  it("follows XDG_CONFIG_HOME", () => {
    expect(configPath({ XDG_CONFIG_HOME: "/tmp/xdg" })).toBe("/tmp/xdg/maestro/config.json");
  });
});
