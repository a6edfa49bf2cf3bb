// Proves: flags win over env, roots resolve against the working directory, and errors name
// the setting without echoing the token.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readConfig } from "./config.ts";

const TOKEN = "mae_agent_abcdefghijklmnopqrstuvwxyz012345";

describe("local agent config", () => {
  it("reads flags, resolving roots", () => {
    expect(
      readConfig(["--url", "http://127.0.0.1:8787", "--token", TOKEN, "--root", "proj", "--root", "/srv/data"], {}, "/home/dev"),
    ).toEqual({
      ok: true,
      config: {
        url: "http://127.0.0.1:8787",
        token: TOKEN,
        roots: ["/home/dev/proj", "/srv/data"],
        name: "local-agent",
        mcp: [],
        network: true,
      },
    });
  });

  it("takes --network on|off for sandboxed commands (on unless said), and refuses anything else", () => {
    const base = ["--url", "http://127.0.0.1:8787", "--token", TOKEN, "--root", "/w"];
    expect(readConfig([...base, "--network", "off"], {}, "/w")).toMatchObject({ ok: true, config: { network: false } });
    expect(readConfig([...base, "--network", "on"], {}, "/w")).toMatchObject({ ok: true, config: { network: true } });
    expect(readConfig([...base, "--network", "maybe"], {}, "/w")).toEqual({ ok: false, errors: ["network: must be on or off"] });
  });

  it("falls back to the environment", () => {
    const result = readConfig(["--root", "."], { MAESTRO_URL: "https://maestro.example.com", MAESTRO_AGENT_TOKEN: TOKEN }, "/w");
    expect(result).toEqual({
      ok: true,
      config: { url: "https://maestro.example.com", token: TOKEN, roots: ["/w"], name: "local-agent", mcp: [], network: true },
    });
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

  it("reads a config file with stdio MCP servers; roots resolve against the file, flags still win", () => {
    const dir = mkdtempSync(join(tmpdir(), "agent-config-"));
    try {
      const file = join(dir, "agent.json");
      writeFileSync(
        file,
        JSON.stringify({
          url: "http://127.0.0.1:8787",
          token: TOKEN,
          roots: ["project"],
          name: "box",
          mcp: [{ name: "fs", command: "npx", args: ["mcp-server-filesystem", "."] }],
        }),
      );
      expect(readConfig(["--config", file], {}, "/elsewhere")).toEqual({
        ok: true,
        config: {
          url: "http://127.0.0.1:8787",
          token: TOKEN,
          roots: [join(dir, "project")],
          name: "box",
          mcp: [{ name: "fs", command: "npx", args: ["mcp-server-filesystem", "."] }],
          network: true,
        },
      });
      writeFileSync(join(dir, "home.json"), JSON.stringify({ url: "http://127.0.0.1:8787", token: TOKEN, roots: ["~/code"] }));
      expect(readConfig(["--config", join(dir, "home.json")], {}, "/w")).toMatchObject({
        ok: true,
        config: { roots: [join(homedir(), "code")] },
      });
      const overridden = readConfig(["--config", file, "--root", "/srv", "--name", "other"], {}, "/w");
      expect(overridden).toMatchObject({ ok: true, config: { roots: ["/srv"], name: "other" } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names a bad config file and the fields in it, without the token", () => {
    const dir = mkdtempSync(join(tmpdir(), "agent-config-"));
    try {
      const file = join(dir, "agent.json");
      writeFileSync(file, JSON.stringify({ token: "SECRET-not-a-token", mcp: [{ name: "Bad__Name", command: "" }] }));
      const result = readConfig(["--config", file], {}, "/w");
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors.join("\n")).toContain("mcp.0.name");
      expect(result.errors.join("\n")).not.toContain("SECRET");
      expect(readConfig(["--config", join(dir, "missing.json")], {}, "/w")).toEqual({
        ok: false,
        errors: [`config: cannot read ${join(dir, "missing.json")}`],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
