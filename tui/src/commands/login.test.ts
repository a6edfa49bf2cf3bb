// Proves: `maestro login` with nothing on stdin (EOF before a line, or an empty line) says no
// token was given and exits 2 instead of dying on an unsettled await; a token the server refuses
// exits 1 and saves nothing.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { login } from "./login.ts";
import type { Output } from "./output.ts";

let home = "";
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "maestro-login-"));
  vi.stubEnv("XDG_CONFIG_HOME", home);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  await rm(home, { recursive: true, force: true });
});

function capture() {
  const err: string[] = [];
  const output: Output = { out: () => undefined, err: (text) => err.push(text) };
  return { output, err: () => err.join("") };
}

describe("maestro login", () => {
  it("exits 2 with 'no token given' when stdin ends before a line, or the line is empty", async () => {
    for (const stdin of [Readable.from([]), Readable.from(["\n"])]) {
      const printed = capture();
      expect(await login("http://127.0.0.1:8787", printed.output, stdin)).toBe(2);
      expect(printed.err()).toContain("No token given");
    }
    expect(await readdir(home)).toEqual([]);
  });

  it("exits 1 and saves nothing when the server refuses the token", async () => {
    vi.stubGlobal("fetch", async () =>
      Response.json({ error: { code: "UNAUTHORIZED", message: "Missing or invalid token." } }, { status: 401 }),
    );
    const printed = capture();
    expect(await login("http://127.0.0.1:8787", printed.output, Readable.from(["wrong-token\n"]))).toBe(1);
    expect(printed.err()).toContain("That token is not valid.");
    expect(await readdir(home)).toEqual([]);
  });
});
