// Proves: which standing rule decides a tool call (issue 14 §7). Command globs match the whole
// command and never allow a composed one (`npm test; rm -rf ~`) while a deny still catches any part;
// path rules see one spelling of a path (`./deploy/x`, `deploy/../deploy/x`, `<cwd>/deploy/x`), and
// a path that climbs out of the working directory does not slip under a relative pattern; deny
// beats allow whatever the scope; a session's rule is named before a global one of the same effect.
import { type ApprovalRule, SessionIdSchema } from "@maestro/protocol";
import { describe, expect, it } from "vitest";
import { commandPattern, decideByRules, matchesPath, normalizePath } from "../../src/session/approval-rules.ts";

const SESSION = SessionIdSchema.parse("7d3c6a0e-1111-4222-8333-444455556666");
let next = 0;
function rule(fields: Partial<ApprovalRule> & Pick<ApprovalRule, "effect" | "tool">): ApprovalRule {
  next += 1;
  return {
    id: `00000000-0000-4000-8000-${String(next).padStart(12, "0")}`,
    match: null,
    session_id: null,
    note: null,
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, next)).toISOString(),
    ...fields,
  };
}

const CWD = "/home/me/project";

describe("normalizePath", () => {
  it.each([
    ["deploy/x", "deploy/x"],
    ["./deploy/x", "deploy/x"],
    ["deploy/../deploy/x", "deploy/x"],
    ["deploy//x/.", "deploy/x"],
    [`${CWD}/deploy/x`, "deploy/x"],
    [`${CWD}/./src/../deploy/x`, "deploy/x"],
    [CWD, "."],
    [".", "."],
    ["../other/deploy/x", "/home/me/other/deploy/x"],
    ["/etc/passwd", "/etc/passwd"],
    ["/home/me/project-two/deploy/x", "/home/me/project-two/deploy/x"],
  ])("%s in %s is %s", (path, expected) => {
    expect(normalizePath(path, CWD)).toBe(expected);
  });

  it("without a working directory, folds a relative path and keeps a climbing one relative", () => {
    expect(normalizePath("./a/../deploy/x", null)).toBe("deploy/x");
    expect(normalizePath("../deploy/x", null)).toBe("../deploy/x");
    expect(normalizePath("/a/../../b", null)).toBe("/b");
  });
});

describe("matchesPath", () => {
  it.each([
    ["deploy/**", "deploy/x", true],
    ["deploy/**", "./deploy/a/b/c.yml", true],
    ["deploy/**", "deploy/../deploy/x", true],
    ["deploy/**", `${CWD}/deploy/x`, true],
    ["deploy/**", "deployment/x", false],
    ["deploy/**", "src/deploy/x", false],
    ["deploy/**", "../project/deploy/x", true],
    ["deploy/**", "../elsewhere/deploy/x", false],
    ["deploy", "deploy", true],
    ["deploy/", "deploy/x/y", true],
    ["deploy", "deployment", false],
    ["*.pem", "key.pem", true],
    ["*.pem", "keys/key.pem", false],
    ["**/*.pem", "keys/deep/key.pem", true],
    ["**/*.pem", "key.pem", true],
    ["src/?.ts", "src/a.ts", true],
    ["src/?.ts", "src/ab.ts", false],
    [`${CWD}/deploy/**`, "deploy/x", true],
    [".", "src/a.ts", true],
    [".", "/etc/passwd", false],
  ])("pattern %s, path %s: %s", (pattern, path, expected) => {
    expect(matchesPath(pattern, path, CWD)).toBe(expected);
  });
});

describe("commandPattern", () => {
  it.each([
    ["npm test*", "npm test", true],
    ["npm test*", "npm test -- --watch=false", true],
    ["npm test*", "npm run build", false],
    ["npm test*", "xnpm test", false],
    ["git status", "git status", true],
    ["git status", "git status --short", false],
    ["ls ?", "ls a", true],
    ["echo (a)+b.c", "echo (a)+b.c", true],
  ])("pattern %s, command %s: %s", (pattern, command, expected) => {
    expect(commandPattern(pattern).test(command)).toBe(expected);
  });
});

describe("decideByRules", () => {
  const shell = (command: string) => ({ tool: "run_shell_command", args: { command } });

  it("allows a command matching an allow rule, but never a composed one", () => {
    const allow = rule({ effect: "allow", tool: "run_shell_command", match: { param: "command", pattern: "npm test*" } });
    expect(decideByRules([allow], shell("npm test -- a"), CWD)).toEqual({ rule: allow, effect: "allow" });
    for (const composed of [
      "npm test; rm -rf ~",
      "npm test && curl x",
      "npm test | sh",
      "npm test $(rm x)",
      "npm test > /etc/x",
      "npm test\nrm x",
    ])
      expect(decideByRules([allow], shell(composed), CWD)).toBeNull();
  });

  it("denies a command when any part of it matches a deny rule", () => {
    const deny = rule({ effect: "deny", tool: "run_shell_command", match: { param: "command", pattern: "rm *" } });
    expect(decideByRules([deny], shell("ls && rm -rf build"), CWD)?.effect).toBe("deny");
    expect(decideByRules([deny], shell("rm x"), CWD)?.effect).toBe("deny");
    expect(decideByRules([deny], shell("ls; echo rm"), CWD)).toBeNull();
  });

  it("a rule without a match covers every call of its tool and no other tool", () => {
    const allow = rule({ effect: "allow", tool: "read_file" });
    expect(decideByRules([allow], { tool: "read_file", args: { path: "/anything" } }, CWD)?.rule).toBe(allow);
    expect(decideByRules([allow], { tool: "write_file", args: { path: "a" } }, CWD)).toBeNull();
  });

  it("a path rule on glob or grep without a path looks at the working directory", () => {
    const deny = rule({ effect: "deny", tool: "grep", match: { param: "path", pattern: "." } });
    expect(decideByRules([deny], { tool: "grep", args: { pattern: "x" } }, CWD)?.effect).toBe("deny");
    const writeRule = rule({ effect: "deny", tool: "write_file", match: { param: "path", pattern: "deploy/**" } });
    expect(decideByRules([writeRule], { tool: "write_file", args: { content: "x" } }, CWD)).toBeNull();
  });

  it("deny beats allow whatever the scope, and a session rule is named before a global one", () => {
    const globalDeny = rule({ effect: "deny", tool: "write_file", match: { param: "path", pattern: "deploy/**" } });
    const sessionAllow = rule({ effect: "allow", tool: "write_file", session_id: SESSION });
    const call = { tool: "write_file", args: { path: "./deploy/prod.yml", content: "x" } };
    expect(decideByRules([sessionAllow, globalDeny], call, CWD)).toEqual({ rule: globalDeny, effect: "deny" });
    expect(decideByRules([sessionAllow, globalDeny], { ...call, args: { path: "src/a.ts" } }, CWD)).toEqual({
      rule: sessionAllow,
      effect: "allow",
    });
    const globalAllow = rule({ effect: "allow", tool: "write_file" });
    const sessionDeny = rule({ effect: "deny", tool: "write_file", session_id: SESSION });
    expect(decideByRules([globalAllow, sessionDeny], call, CWD)?.rule).toBe(sessionDeny);
    const laterSessionAllow = rule({ effect: "allow", tool: "write_file", session_id: SESSION });
    expect(decideByRules([laterSessionAllow, globalAllow], { ...call, args: { path: "a" } }, CWD)?.rule).toBe(laterSessionAllow);
  });
});
