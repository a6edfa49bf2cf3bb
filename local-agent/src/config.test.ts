// Proves: flags win over env, roots resolve against the working directory, errors name the
// setting without echoing the token, and the token never comes from the command line: it comes
// from --token-file, MAESTRO_AGENT_TOKEN, the config file or ~/.config/maestro/agent-token, and a
// file others may read is refused.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readConfig } from "./config.ts";
import { DEFAULT_DENY } from "./sandbox/deny.ts";

const TOKEN = "mae_agent_abcdefghijklmnopqrstuvwxyz012345";

describe("local agent config", () => {
  it("reads flags, resolving roots", () => {
    expect(
      readConfig(["--url", "http://127.0.0.1:8787", "--root", "proj", "--root", "/srv/data"], { MAESTRO_AGENT_TOKEN: TOKEN }, "/home/dev"),
    ).toEqual({
      ok: true,
      config: {
        url: "http://127.0.0.1:8787",
        token: TOKEN,
        roots: ["/home/dev/proj", "/srv/data"],
        name: "local-agent",
        mcp: [],
        deny: DEFAULT_DENY,
        network: true,
      },
    });
  });

  it("takes --network on|off for sandboxed commands (on unless said), and refuses anything else", () => {
    const base = ["--url", "http://127.0.0.1:8787", "--root", "/w"];
    const env = { MAESTRO_AGENT_TOKEN: TOKEN };
    expect(readConfig([...base, "--network", "off"], env, "/w")).toMatchObject({ ok: true, config: { network: false } });
    expect(readConfig([...base, "--network", "on"], env, "/w")).toMatchObject({ ok: true, config: { network: true } });
    expect(readConfig([...base, "--network", "maybe"], env, "/w")).toEqual({ ok: false, errors: ["network: must be on or off"] });
  });

  it("falls back to the environment", () => {
    const result = readConfig(["--root", "."], { MAESTRO_URL: "https://maestro.example.com", MAESTRO_AGENT_TOKEN: TOKEN }, "/w");
    expect(result).toEqual({
      ok: true,
      config: {
        url: "https://maestro.example.com",
        token: TOKEN,
        roots: ["/w"],
        name: "local-agent",
        mcp: [],
        deny: DEFAULT_DENY,
        network: true,
      },
    });
  });

  it("names what is missing or wrong, without the token", () => {
    const result = readConfig([], { MAESTRO_AGENT_TOKEN: "not-a-token-SECRET", HOME: "/nonexistent-home" }, "/w");
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
          // The token in it makes the file a secret: only its owner may read it.
          url: "http://127.0.0.1:8787",
          token: TOKEN,
          roots: ["project"],
          name: "box",
          mcp: [{ name: "fs", command: "npx", args: ["mcp-server-filesystem", "."] }],
        }),
        { mode: 0o600 },
      );
      expect(readConfig(["--config", file], {}, "/elsewhere")).toEqual({
        ok: true,
        config: {
          url: "http://127.0.0.1:8787",
          token: TOKEN,
          roots: [join(dir, "project")],
          name: "box",
          mcp: [{ name: "fs", command: "npx", args: ["mcp-server-filesystem", "."] }],
          deny: DEFAULT_DENY,
          network: true,
        },
      });
      writeFileSync(join(dir, "home.json"), JSON.stringify({ url: "http://127.0.0.1:8787", token: TOKEN, roots: ["~/code"] }), {
        mode: 0o600,
      });
      expect(readConfig(["--config", join(dir, "home.json")], {}, "/w")).toMatchObject({
        ok: true,
        config: { roots: [join(homedir(), "code")] },
      });
      const overridden = readConfig(["--config", file, "--root", "/srv", "--name", "other"], {}, "/w");
      expect(overridden).toMatchObject({ ok: true, config: { roots: ["/srv"], name: "other" } });
      // The file's deny list replaces the default; --deny adds to it; a rule with a path in it is refused.
      writeFileSync(
        join(dir, "deny.json"),
        JSON.stringify({ url: "http://127.0.0.1:8787", token: TOKEN, roots: ["."], deny: ["*.secret"] }),
        { mode: 0o600 },
      );
      expect(readConfig(["--config", join(dir, "deny.json"), "--deny", "private/"], {}, "/w")).toMatchObject({
        ok: true,
        config: { deny: ["*.secret", "private/"] },
      });
      expect(readConfig(["--config", file, "--deny", "a/b"], {}, "/w")).toMatchObject({
        ok: false,
        errors: [expect.stringMatching(/^deny\.\d+: a deny rule/)],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names a bad config file and the fields in it, without the token", () => {
    const dir = mkdtempSync(join(tmpdir(), "agent-config-"));
    try {
      const file = join(dir, "agent.json");
      writeFileSync(file, JSON.stringify({ token: "SECRET-not-a-token", mcp: [{ name: "Bad__Name", command: "" }] }), {
        mode: 0o600,
      });
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

  describe("the token", () => {
    const BASE = ["--url", "http://127.0.0.1:8787", "--root", "/w"];
    let dir = "";
    const writeToken = (name: string, mode: number): string => {
      const path = join(dir, name);
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, `${TOKEN}\n`);
      chmodSync(path, mode);
      return path;
    };
    const withDir = (test: () => void) => () => {
      dir = mkdtempSync(join(tmpdir(), "agent-token-"));
      try {
        test();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };

    it("is refused on the command line, with where to put it instead", () => {
      const result = readConfig([...BASE, "--token", `${TOKEN}SECRET`], { MAESTRO_AGENT_TOKEN: TOKEN }, "/w");
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors.join("\n")).toMatch(/--token is refused.*MAESTRO_AGENT_TOKEN.*chmod 600.*--token-file/s);
      expect(result.errors.join("\n")).not.toContain("SECRET");
    });

    it(
      "comes from a 0600 --token-file (trimmed), which wins over the environment",
      withDir(() => {
        const path = writeToken("token", 0o600);
        expect(
          readConfig([...BASE, "--token-file", path], { MAESTRO_AGENT_TOKEN: "mae_agent_other_other_other_other" }, "/w"),
        ).toMatchObject({
          ok: true,
          config: { token: TOKEN },
        });
      }),
    );

    it(
      "refuses a token file that group or others may read, saying how to fix it",
      withDir(() => {
        for (const mode of [0o640, 0o604]) {
          const path = writeToken(`token-${mode.toString(8)}`, mode);
          expect(readConfig([...BASE, "--token-file", path], {}, "/w")).toEqual({
            ok: false,
            errors: [`token: the token file ${path} is readable by others (mode 0${mode.toString(8)}); run: chmod 600 ${path}`],
          });
        }
        expect(readConfig([...BASE, "--token-file", join(dir, "missing")], {}, "/w")).toEqual({
          ok: false,
          errors: [`token: cannot read the token file ${join(dir, "missing")}`],
        });
      }),
    );

    it(
      "falls back to ~/.config/maestro/agent-token (or $XDG_CONFIG_HOME/maestro/agent-token), also only when private",
      withDir(() => {
        expect(readConfig(BASE, { HOME: dir }, "/w")).toMatchObject({ ok: false, errors: [expect.stringMatching(/^token: missing/)] });
        const path = writeToken(".config/maestro/agent-token", 0o600);
        expect(readConfig(BASE, { HOME: dir }, "/w")).toMatchObject({ ok: true, config: { token: TOKEN } });
        expect(readConfig(BASE, { HOME: "/nowhere", XDG_CONFIG_HOME: join(dir, ".config") }, "/w")).toMatchObject({ ok: true });
        chmodSync(path, 0o644);
        expect(readConfig(BASE, { HOME: dir }, "/w")).toMatchObject({ ok: false, errors: [expect.stringContaining("chmod 600")] });
      }),
    );

    it(
      "refuses a config file holding the token when others may read it; the environment wins over it",
      withDir(() => {
        const file = join(dir, "agent.json");
        writeFileSync(file, JSON.stringify({ token: TOKEN }));
        chmodSync(file, 0o644);
        expect(readConfig([...BASE, "--config", file], {}, "/w")).toMatchObject({
          ok: false,
          errors: [expect.stringMatching(/config file .* is readable by others .*chmod 600.*holds the agent token/)],
        });
        chmodSync(file, 0o600);
        const other = "mae_agent_from_the_environment_0";
        expect(readConfig([...BASE, "--config", file], { MAESTRO_AGENT_TOKEN: other }, "/w")).toMatchObject({
          ok: true,
          config: { token: other },
        });
      }),
    );
  });
});
