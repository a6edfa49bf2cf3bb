// Proves: `maestro <command> --help` exits 0 for every command and names each option the command
// accepts (and `send` its time limit); `maestro --help` lists every command; an option a command
// does not take is answered with its help and exit 2, not a stack trace.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { saveConfig } from "./config.ts";
import { COMMANDS, OPTIONS } from "./help.ts";
import { main } from "./main.ts";
import { capture } from "./commands/capture-output.ts";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("maestro --help", () => {
  it.each(COMMANDS)("maestro %s --help exits 0 and names the command's options", async (command) => {
    const printed = capture();
    expect(await main([command, "--help"], printed.output)).toBe(0);
    expect(printed.out()).toMatch(new RegExp(`^maestro ${command}\\b`));
    const options: Record<string, unknown> = command in OPTIONS ? OPTIONS[command as keyof typeof OPTIONS] : {};
    for (const option of Object.keys(options)) expect(printed.out(), `--${option}`).toContain(`--${option}`);
    expect(printed.err()).toBe("");
  });

  it("says how long `send` waits for a connection", async () => {
    const printed = capture();
    await main(["send", "-h"], printed.output);
    expect(printed.out()).toContain("within 10 s");
  });

  it("lists every command", async () => {
    const printed = capture();
    expect(await main(["--help"], printed.output)).toBe(0);
    for (const command of COMMANDS) expect(printed.out()).toContain(`maestro ${command}`);
  });

  it("answers an option a command does not take with its help, exit 2", async () => {
    const home = await mkdtemp(join(tmpdir(), "maestro-main-"));
    try {
      vi.stubEnv("XDG_CONFIG_HOME", home);
      await saveConfig({ url: "http://127.0.0.1:9", token: "t" }, join(home, "maestro", "config.json"));
      const printed = capture();
      expect(await main(["new", "--colour", "blue"], printed.output)).toBe(2);
      expect(printed.err()).toContain("--colour");
      expect(printed.err()).toContain("maestro new [--template <id>]");
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
