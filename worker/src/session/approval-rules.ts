/**
 * Standing approval rules (issue 14 §7): which of the user's rules decides a tool call before
 * anyone is asked. Pure: the rules come in (one query per turn, see rule-book.ts), a decision
 * comes out. Precedence: a matching deny always wins over a matching allow, whatever their scope —
 * a deny is a safety line and no narrower allow may cross it; among rules of one effect a
 * session's own rule is named before a global one (it is the more specific reason), then the oldest.
 */
import type { ApprovalRule } from "@maestro/protocol";

export interface RuleCall {
  readonly tool: string;
  readonly args: Record<string, unknown>;
}

export interface RuleDecision {
  readonly rule: ApprovalRule;
  readonly effect: ApprovalRule["effect"];
}

/**
 * A shell command that does more than one thing (`npm test; rm -rf ~`, `a && b`, `$(…)`, a pipe or
 * a redirect) is never allowed by a command pattern: `npm test*` would otherwise allow anything
 * appended to it. Such a command is still asked about; a deny pattern is checked against each part.
 */
const SHELL_COMPOSITION = /[;&|<>`\n\r]|\$\(/;
const SHELL_SEPARATORS = /&&|\|\||[;&|\n\r]/;

/** Tools whose `path` is optional and means the working directory when absent. */
const PATH_DEFAULTS_TO_CWD: ReadonlySet<string> = new Set(["glob", "grep"]);

export function decideByRules(rules: readonly ApprovalRule[], call: RuleCall, cwd: string | null): RuleDecision | null {
  const matching = rules.filter((rule) => rule.tool === call.tool && matchesCall(rule, call, cwd));
  const pick = (effect: ApprovalRule["effect"]) =>
    matching
      .filter((rule) => rule.effect === effect)
      .sort((a, b) => Number(b.session_id !== null) - Number(a.session_id !== null) || a.created_at.localeCompare(b.created_at))[0];
  const deny = pick("deny");
  if (deny !== undefined) return { rule: deny, effect: "deny" };
  const allow = pick("allow");
  return allow === undefined ? null : { rule: allow, effect: "allow" };
}

function matchesCall(rule: ApprovalRule, call: RuleCall, cwd: string | null): boolean {
  if (rule.match === null) return true;
  const value = call.args[rule.match.param];
  if (rule.match.param === "command") {
    if (typeof value !== "string") return false;
    const command = value.trim();
    const pattern = commandPattern(rule.match.pattern);
    if (rule.effect === "allow") return !SHELL_COMPOSITION.test(command) && pattern.test(command);
    return pattern.test(command) || command.split(SHELL_SEPARATORS).some((part) => pattern.test(part.trim()));
  }
  const path = typeof value === "string" ? value : value === undefined && PATH_DEFAULTS_TO_CWD.has(call.tool) ? "." : null;
  if (path === null) return false;
  return matchesPath(rule.match.pattern, path, cwd);
}

/** `*` is any text (spaces and slashes too), `?` one character; the whole command must match. */
export function commandPattern(pattern: string): RegExp {
  let source = "";
  for (const char of pattern.trim()) source += char === "*" ? "[\\s\\S]*" : char === "?" ? "[\\s\\S]" : escapeRegExp(char);
  return new RegExp(`^${source}$`);
}

/**
 * A path pattern against a call's path, both normalised against the working directory. With no
 * glob character the pattern is a prefix: `deploy` and `deploy/` cover `deploy` and all under it.
 */
export function matchesPath(pattern: string, path: string, cwd: string | null): boolean {
  const target = normalizePath(path, cwd);
  const normalPattern = normalizePath(pattern, cwd);
  if (!/[*?]/.test(pattern)) {
    if (normalPattern === ".") return !target.startsWith("/") && !target.startsWith("..");
    return target === normalPattern || target.startsWith(`${normalPattern}/`);
  }
  return pathPattern(normalPattern).test(target);
}

/** `**` crosses folders (`deploy/**` is everything under deploy), `*` and `?` stay inside one. */
function pathPattern(pattern: string): RegExp {
  let source = "";
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index] ?? "";
    if (char === "*" && pattern[index + 1] === "*") {
      const slash = pattern[index + 2] === "/";
      source += slash ? "(?:.*/)?" : ".*";
      index += slash ? 2 : 1;
    } else source += char === "*" ? "[^/]*" : char === "?" ? "[^/]" : escapeRegExp(char);
  }
  return new RegExp(`^${source}$`);
}

/**
 * One spelling per file: `.` and `..` folded, repeated slashes collapsed, and a path inside the
 * working directory written relative to it (`<cwd>/deploy/x` → `deploy/x`). A relative path that
 * climbs out of the working directory becomes absolute. Links cannot be seen from here: the
 * agent's own gate (roots, deny list, verified open) still applies to whatever a rule allows.
 */
export function normalizePath(path: string, cwd: string | null): string {
  const base = cwd === null ? null : foldSegments(cwd, true);
  const absolute = path.startsWith("/");
  const folded = foldSegments(absolute ? path : base !== null ? `${base}/${path}` : path, absolute || base !== null);
  if (base === null || !folded.startsWith("/")) return folded;
  if (folded === base) return ".";
  if (base === "/") return folded.slice(1);
  return folded.startsWith(`${base}/`) ? folded.slice(base.length + 1) : folded;
}

function foldSegments(path: string, absolute: boolean): string {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else if (segment !== ".." || !absolute) out.push(segment);
  }
  const joined = out.join("/");
  return absolute ? `/${joined}` : joined === "" ? "." : joined;
}

function escapeRegExp(char: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
}
