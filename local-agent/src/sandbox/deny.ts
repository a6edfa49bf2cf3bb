/**
 * The deny list: files the file tools never read, write, list or search even inside a root, so
 * that secrets stay out of the model's context by default. A rule is a name pattern (`*` and `?`
 * within one name) matched against every folder and file name of a path below its root; a rule
 * ending in `/` names folders only (nothing below them is reachable). The user replaces the
 * list in the config file (`deny`) or extends it (`--deny`, repeatable).
 */

export const DEFAULT_DENY: readonly string[] = [
  ".env*",
  ".dev.vars*",
  "*.pem",
  "*.key",
  "id_rsa*",
  "id_dsa*",
  "id_ecdsa*",
  "id_ed25519*",
  ".netrc",
  ".npmrc",
  ".pypirc",
  ".git-credentials",
  ".ssh/",
  ".aws/",
  ".gnupg/",
  ".maestro/",
];

interface Rule {
  readonly rule: string;
  readonly regex: RegExp;
  readonly foldersOnly: boolean;
}

function compile(rule: string): Rule {
  const foldersOnly = rule.endsWith("/");
  const name = foldersOnly ? rule.slice(0, -1) : rule;
  const source = [...name]
    .map((char) => (char === "*" ? "[^/]*" : char === "?" ? "[^/]" : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return { rule, regex: new RegExp(`^${source}$`), foldersOnly };
}

export class DenyList {
  readonly rules: readonly string[];
  readonly #compiled: readonly Rule[];

  constructor(rules: readonly string[]) {
    this.rules = [...new Set(rules)];
    this.#compiled = this.rules.map(compile);
  }

  /**
   * The rule that denies `relative` (a path below a root, `/`-separated), or undefined.
   * `isFolder` says whether the last name is a folder.
   */
  match(relative: string, isFolder = false): string | undefined {
    const names = relative.split("/").filter((name) => name !== "" && name !== ".");
    for (const [index, name] of names.entries()) {
      const folder = index < names.length - 1 || isFolder;
      const hit = this.#compiled.find((rule) => (!rule.foldersOnly || folder) && rule.regex.test(name));
      if (hit !== undefined) return hit.rule;
    }
    return undefined;
  }
}
