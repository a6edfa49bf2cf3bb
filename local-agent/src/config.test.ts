// Proves: flags win over env, roots resolve against the working directory, and errors name
// the setting without echoing the token.
import { describe, expect, it } from "vitest";
import { readConfig } from "./config.ts";

const TOKEN = "mae_agent_abcdefghijklmnopqrstuvwxyz012345";

describe("local agent config", () => {
  it("reads flags, resolving roots", () => {
    expect(
      readConfig(["--url", "http://127.0.0.1:8787", "--token", TOKEN, "--root", "proj", "--root", "/srv/data"], {}, "/home/dev"),
    ).toEqual({
      ok: true,
      config: { url: "http://127.0.0.1:8787", token: TOKEN, roots: ["/home/dev/proj", "/srv/data"] },
    });
  });

  it("falls back to the environment", () => {
    const result = readConfig(["--root", "."], { MAESTRO_URL: "https://maestro.example.com", MAESTRO_AGENT_TOKEN: TOKEN }, "/w");
    expect(result).toEqual({ ok: true, config: { url: "https://maestro.example.com", token: TOKEN, roots: ["/w"] } });
  });

  it("names what is missing or wrong, without the token", () => {
    const result = readConfig(["--token", "not-a-token-SECRET"], {}, "/w");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.split(":")[0])).toEqual(["url", "token", "roots"]);
    expect(result.errors.join("\n")).not.toContain("SECRET");
  });

  it("refuses unknown flags", () => {
    expect(readConfig(["--rooot", "x"], {}, "/w")).toMatchObject({ ok: false });
  });
});
